using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace DistaHilar.LocalServices;

/// <summary>
/// One started service process: forwards its output to the logger, keeps a tail for error messages,
/// and stops it by PID (signal, grace period, then SIGKILL of the whole tree).
/// </summary>
internal sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly ILogger _log;
    private readonly string _marker;
    private readonly string _tempDirectory;
    private readonly int _stopSignal;

    private ServiceProcess(string name, Process process, string executable, string marker, int stopSignal, string tempDirectory, ILogger log)
    {
        _tempDirectory = tempDirectory;
        Name = name;
        Executable = executable;
        _process = process;
        _marker = marker;
        _stopSignal = stopSignal;
        _log = log;
    }

    public string Name { get; }

    public string Executable { get; }

    public int Pid { get; private set; }

    public LogTail Tail { get; } = new();

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public TrackedProcess Tracked => new(Name, Pid, Path.GetFileName(Executable), _marker, _stopSignal, _tempDirectory);

    /// <param name="marker">A string unique to this instance (its temp folder) that appears in its command line.</param>
    /// <param name="workingDirectory">The instance's temp folder; recorded in <see cref="Tracked"/> for cleanup.</param>
    /// <param name="dropRoot">Run as the postgres OS user when we are root.</param>
    public static ServiceProcess Start(
        string name, string executable, IEnumerable<string> args, string workingDirectory,
        bool dropRoot, string marker, int stopSignal, ILogger log)
    {
        var psi = new ProcessStartInfo
        {
            UseShellExecute = false,
            // Redirect stdin too, so a service never shares the dev command's terminal input.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        ServiceAccount.UseExecutable(psi, executable, dropRoot);
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = psi };
        var service = new ServiceProcess(name, process, executable, marker, stopSignal, workingDirectory, log);
        process.OutputDataReceived += (_, e) => service.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => service.OnLine(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new LocalServiceException($"Could not start {psi.FileName} for {name}: {e.Message}", "", e);
        }

        service.Pid = process.Id;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        log.LogDebug("{Service} started as PID {Pid}: {File} {Args}", name, service.Pid, psi.FileName, string.Join(' ', psi.ArgumentList));
        return service;
    }

    /// <summary>Waits for a one-shot tool (initdb) to finish; kills it on timeout or cancellation.</summary>
    public async Task<int> RunToExitAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            ct.ThrowIfCancellationRequested();
            throw new LocalServiceException($"{Name} did not finish within {timeout.TotalSeconds:0} s.", Tail.ToString());
        }
    }

    /// <summary>Sends <paramref name="signal"/> (the service's own graceful or fast shutdown), then kills the tree after <paramref name="grace"/>.</summary>
    public async Task StopAsync(int signal, TimeSpan grace)
    {
        if (!_process.HasExited)
        {
            _ = NativeMethods.Kill(Pid, signal);
            if (await WaitForExitAsync(grace))
            {
                return;
            }

            _log.LogWarning("{Service} (PID {Pid}) still running {Grace} s after signal {Signal}; killing it", Name, Pid, grace.TotalSeconds, signal);
        }

        await KillAsync();
    }

    /// <summary>SIGKILLs the process and its descendants (postgres backends) and waits for the exit.</summary>
    public async Task KillAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        if (!await WaitForExitAsync(TimeSpan.FromSeconds(10)))
        {
            throw new LocalServiceException($"{Name} (PID {Pid}) is still running after SIGKILL.", Tail.ToString());
        }
    }

    public void Dispose() => _process.Dispose();

    private async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            // Also waits for the output pipes to drain, so no log line arrives after a stop returns.
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return _process.HasExited;
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        Tail.Add(line);
        try
        {
            _log.LogDebug("[{Service} {Pid}] {Line}", Name, Pid, line);
        }
#pragma warning disable CA1031 // This runs on a thread-pool thread: a logger that throws (an xunit output helper after its test ended) would crash the test host.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
