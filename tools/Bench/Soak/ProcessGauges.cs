using System.Globalization;

namespace DistaHilar.Bench.Soak;

/// <summary>
/// A process's footprint from /proc (Linux): resident memory, threads, open file descriptors and, of those, sockets
/// (its TCP connections: to PgBouncer, the SignalR service, storage, the host). And the machine's busy CPU share.
/// </summary>
internal static class ProcessGauges
{
    public static Footprint Read(int pid)
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            var fds = Directory.GetFiles($"/proc/{pid}/fd");
            var sockets = fds.Count(fd => ReadLink(fd)?.StartsWith("socket:", StringComparison.Ordinal) == true);
            return new Footprint(Field(status, "VmRSS:") / 1024.0, (int)Field(status, "Threads:"), fds.Length, sockets);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Footprint(0, 0, 0, 0);
        }
    }

    /// <summary>The machine's CPU time so far, busy and total (jiffies, from the first line of /proc/stat).</summary>
    public static (long Busy, long Total) Cpu()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var idle = fields[3] + fields[4]; // idle + iowait
        var total = fields.Take(8).Sum(); // user .. steal; guest time is already in user
        return (total - idle, total);
    }

    private static string? ReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (IOException)
        {
            return null; // closed meanwhile
        }
    }

    // Lines look like "VmRSS:\t  123456 kB" and "Threads:\t42".
    private static double Field(string[] status, string name)
    {
        var line = status.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        var value = line?[name.Length..].Trim().Split(' ')[0];
        return double.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
    }
}

/// <summary>Resident MiB, threads, open descriptors, sockets.</summary>
internal sealed record Footprint(double RssMiB, int Threads, int Handles, int Sockets);
