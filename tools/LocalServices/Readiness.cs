using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DistaHilar.LocalServices;

/// <summary>Polls a readiness probe every 50 ms until it passes, the process dies, or the deadline passes.</summary>
internal static class Readiness
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Waits for a freshly started process to be ready; one that is not is killed, so a failed start leaves nothing running.</summary>
    public static async Task<ServiceProcess> ReadyOrKilledAsync(ServiceProcess process, string what, TimeSpan timeout, Func<CancellationToken, Task> probe, CancellationToken ct)
    {
        try
        {
            await WaitAsync(process, what, timeout, probe, ct);
            return process;
        }
        catch
        {
            await process.KillAsync();
            process.Dispose();
            throw;
        }
    }

    /// <param name="probe">Throws while the service is not ready.</param>
    public static async Task WaitAsync(ServiceProcess process, string what, TimeSpan timeout, Func<CancellationToken, Task> probe, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var lastError = "no attempt yet";
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new LocalServiceException($"{what} (PID {process.Pid}) exited with code {process.ExitCode} before it was ready ({lastError}).", process.Tail.ToString());
            }

            using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                attempt.CancelAfter(ProbeTimeout);
                try
                {
                    await probe(attempt.Token);
                    return;
                }
#pragma warning disable CA1031 // Any failure means "not ready yet"; the last one goes into the timeout message.
                catch (Exception e) when (!ct.IsCancellationRequested)
#pragma warning restore CA1031
                {
                    lastError = attempt.IsCancellationRequested ? $"no answer within {ProbeTimeout.TotalSeconds:0} s" : e.Message;
                }
            }

            if (clock.Elapsed > timeout)
            {
                throw new LocalServiceException($"{what} (PID {process.Pid}) was not ready within {timeout.TotalSeconds:0} s; last probe error: {lastError}", process.Tail.ToString());
            }

            await Task.Delay(50, ct);
        }
    }

    /// <summary>Succeeds once something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task TcpAsync(int port, CancellationToken ct)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, ct);
    }
}
