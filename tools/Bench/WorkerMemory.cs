using System.Globalization;

namespace DistaHilar.Bench;

/// <summary>The worker's memory from /proc/&lt;pid&gt;/status (Linux); the worker is a child process, so only the OS knows it.</summary>
internal static class WorkerMemory
{
    public static Reading Unknown { get; } = new(null, null);

    /// <summary>
    /// Resets the worker's VmHWM to its current RSS (writing 5 to clear_refs), so the next reading is the peak of
    /// one level rather than of the process's whole life. False if the kernel or permissions do not allow it.
    /// </summary>
    public static bool TryResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static Reading Read(int pid)
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            return new Reading(Field(status, "VmHWM:"), Field(status, "VmRSS:"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unknown;
        }
    }

    // Lines look like "VmHWM:\t  123456 kB".
    private static double? Field(string[] status, string name)
    {
        var line = status.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        var kib = line?[name.Length..].Trim().Split(' ')[0];
        return long.TryParse(kib, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? Math.Round(value / 1024.0, 1) : null;
    }

    internal sealed record Reading(double? PeakMiB, double? CurrentMiB);
}
