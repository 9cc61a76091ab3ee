using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DistaHilar.LocalServices;

/// <summary>
/// A pid file listing the service processes a dev command started, so that a later <c>stop</c> (or the next
/// start, after a crash) ends exactly those. Before signalling a PID it checks /proc/&lt;pid&gt;/cmdline still
/// names the recorded executable and contains the recorded marker, so a reused PID is never hit.
/// </summary>
/// <remarks>One line per process: <c>pid TAB signal TAB executable TAB name TAB marker TAB temp-folder</c>.</remarks>
public sealed class ProcessRegistry
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(15);
    private static readonly Lock FileGate = new();

    /// <summary>Uses (and creates on the first <see cref="Record"/>) the pid file at <paramref name="pidFile"/>.</summary>
    public ProcessRegistry(string pidFile) => PidFile = Path.GetFullPath(pidFile);

    /// <summary>Absolute path of the pid file.</summary>
    public string PidFile { get; }

    /// <summary>Appends a process, e.g. <c>registry.Record(postgres.Tracked!)</c>.</summary>
    public void Record(TrackedProcess process)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (new[] { process.Name, process.Executable, process.Marker, process.TempDirectory }.Any(f => f.Contains('\t', StringComparison.Ordinal) || f.Contains('\n', StringComparison.Ordinal)))
        {
            throw new ArgumentException("Tabs and newlines cannot be stored in the pid file.", nameof(process));
        }

        lock (FileGate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(PidFile)!);
            File.AppendAllText(PidFile, string.Create(CultureInfo.InvariantCulture, $"{process.Pid}\t{process.StopSignal}\t{process.Executable}\t{process.Name}\t{process.Marker}\t{process.TempDirectory}\n"));
        }
    }

    /// <summary>The processes recorded so far, oldest first; empty if there is no pid file.</summary>
    public IReadOnlyList<TrackedProcess> Read()
    {
        lock (FileGate)
        {
            if (!File.Exists(PidFile))
            {
                return [];
            }

            return File.ReadAllLines(PidFile)
                .Select(line => line.Split('\t'))
                .Where(f => f.Length is 5 or 6 && int.TryParse(f[0], CultureInfo.InvariantCulture, out _) && int.TryParse(f[1], CultureInfo.InvariantCulture, out _))
                .Select(f => new TrackedProcess(f[3], int.Parse(f[0], CultureInfo.InvariantCulture), f[2], f[4], int.Parse(f[1], CultureInfo.InvariantCulture), f.Length == 6 ? f[5] : ""))
                .ToList();
        }
    }

    /// <summary>
    /// True if <paramref name="process"/>'s PID is alive and is still that process: its command line runs the recorded
    /// executable and contains the recorded marker.
    /// </summary>
    public static bool IsRunning(TrackedProcess process)
    {
        ArgumentNullException.ThrowIfNull(process);
        string[] argv;
        try
        {
            // A zombie (exited, not yet reaped) has an empty cmdline, so it counts as not running.
            argv = File.ReadAllText($"/proc/{process.Pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        return argv.Length > 0
            && Path.GetFileName(argv[0]) == process.Executable
            && string.Join(' ', argv).Contains(process.Marker, StringComparison.Ordinal);
    }

    /// <summary>
    /// Stops every recorded process that is still running, newest first (PgBouncer before PostgreSQL): its own
    /// shutdown signal, then SIGKILL of its process tree after a grace period. Then deletes each one's temp folder
    /// (also for processes that had already died) and the pid file.
    /// </summary>
    /// <returns>How many processes were running and got stopped.</returns>
    /// <exception cref="LocalServiceException">A process survived SIGKILL; the pid file is kept.</exception>
    public async Task<int> StopAllAsync(ILogger? log = null, CancellationToken ct = default)
    {
        log ??= NullLogger.Instance;
        var stopped = 0;
        foreach (var process in Read().Reverse())
        {
            if (!IsRunning(process))
            {
                log.LogDebug("{Name} (PID {Pid}) is already gone", process.Name, process.Pid);
                DeleteTempDirectory(process, log);
                continue;
            }

            _ = NativeMethods.Kill(process.Pid, process.StopSignal);
            if (!await WaitGoneAsync(process, Grace, ct))
            {
                log.LogWarning("{Name} (PID {Pid}) ignored signal {Signal}; killing its process tree", process.Name, process.Pid, process.StopSignal);
                KillTree(process);
                if (!await WaitGoneAsync(process, TimeSpan.FromSeconds(10), ct))
                {
                    throw new LocalServiceException($"{process.Name} (PID {process.Pid}) is still running after SIGKILL; pid file {PidFile} kept.");
                }
            }

            log.LogInformation("Stopped {Name} (PID {Pid})", process.Name, process.Pid);
            DeleteTempDirectory(process, log);
            stopped++;
        }

        lock (FileGate)
        {
            if (File.Exists(PidFile))
            {
                File.Delete(PidFile);
            }
        }

        return stopped;
    }

    // Only folders this library names (distahilar-*): a hand-edited pid file must not turn this into rm -rf anywhere.
    private static void DeleteTempDirectory(TrackedProcess process, ILogger log)
    {
        if (Path.IsPathFullyQualified(process.TempDirectory) && Path.GetFileName(process.TempDirectory).StartsWith("distahilar-", StringComparison.Ordinal))
        {
            TempFolder.Delete(process.TempDirectory, log);
        }
    }

    private static void KillTree(TrackedProcess process)
    {
        try
        {
            using var p = Process.GetProcessById(process.Pid);
            if (IsRunning(process))
            {
                p.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Exited meanwhile.
        }
    }

    private static async Task<bool> WaitGoneAsync(TrackedProcess process, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (IsRunning(process))
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(50, ct);
        }

        return true;
    }
}
