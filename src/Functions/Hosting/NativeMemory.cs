using System.Runtime.InteropServices;

namespace DistaHilar.Functions.Hosting;

/// <summary>
/// Image processing allocates decode buffers of tens of megabytes natively (SkiaSharp). glibc serves the first from
/// mmap, then raises its mmap threshold to the size just freed, so later ones come from the heap arenas — one per
/// busy thread — and stay in the process after they are freed: the media benchmark's worker kept 100+ MiB it no
/// longer used. A fixed threshold keeps large blocks mapped (returned to the system on free) and two arenas bound the
/// rest. Linux with glibc only; elsewhere nothing changes.
/// </summary>
internal static class NativeMemory
{
    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD
    private const int ArenaMax = -8; // M_ARENA_MAX

    public static void KeepLargeBlocksReturnable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = MallOpt(MmapThreshold, 1024 * 1024);
            _ = MallOpt(ArenaMax, 2);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (e.g. musl): its allocator already returns large blocks.
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallOpt(int parameter, int value);
}
