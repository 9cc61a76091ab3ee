using System.Diagnostics;

namespace DistaHilar.Bench;

/// <summary>
/// Runs one concurrency level: N workers in a closed loop (each sends its next request when the previous one
/// is answered) until a deadline. Each worker writes only to its own <see cref="WorkerLog"/>, so the hot path
/// takes no locks; the logs are merged after every worker has stopped.
/// </summary>
internal sealed class LoadRunner(HttpClient client, IScenario scenario)
{
    /// <summary>Warm-up (connections, JIT, pools; not recorded), then the measured run.</summary>
    public async Task<Measurement> RunLevelAsync(int concurrency, TimeSpan warmup, TimeSpan duration, CancellationToken ct)
    {
        var capacity = 4096;
        if (warmup > TimeSpan.Zero)
        {
            var warm = await RunAsync(concurrency, warmup, capacity, ct);
            // Size the measured lists from the warm-up's rate (plus headroom) so they rarely grow mid-run.
            var perWorker = warm.Logs.Max(l => l.Latencies.Count) * duration.TotalSeconds / warm.Elapsed.TotalSeconds;
            capacity = (int)Math.Clamp(perWorker * 1.5, 1024, 50_000_000);
        }

        return await RunAsync(concurrency, duration, capacity, ct);
    }

    private async Task<Measurement> RunAsync(int concurrency, TimeSpan duration, int capacity, CancellationToken ct)
    {
        var logs = Enumerable.Range(0, concurrency).Select(_ => new WorkerLog(capacity)).ToArray();
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(logs.Select((log, index) => Task.Run(() => WorkAsync(index, deadline, log, ct), CancellationToken.None)));
        ct.ThrowIfCancellationRequested();
        // Until the last in-flight request came back: throughput is over the time the requests actually took.
        return new Measurement(logs, Stopwatch.GetElapsedTime(started));
    }

    private async Task WorkAsync(int index, long deadline, WorkerLog log, CancellationToken ct)
    {
        while (Stopwatch.GetTimestamp() < deadline && !ct.IsCancellationRequested)
        {
            var start = Stopwatch.GetTimestamp();
            Outcome outcome;
            try
            {
                outcome = await scenario.ExecuteAsync(client, index, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return; // Interrupted: the level is abandoned, not counted.
            }
            catch (Exception e)
            {
                outcome = Outcome.Failure(Describe(e));
            }

            log.Latencies.Add(Stopwatch.GetTimestamp() - start);
            if (!outcome.IsSuccess)
            {
                log.Fail(start, outcome.Error!);
            }
        }
    }

    // HttpRequestException's own message is generic ("An error occurred while sending the request"); the cause is inside.
    // HttpClient.Timeout surfaces as TaskCanceledException with a TimeoutException inside.
    private static string Describe(Exception e)
    {
        var cause = e.GetBaseException();
        return cause == e ? $"{e.GetType().Name}: {e.Message}" : $"{e.GetType().Name}: {e.Message} ({cause.GetType().Name}: {cause.Message})";
    }
}

/// <summary>One worker's record of a run, written only by that worker.</summary>
internal sealed class WorkerLog(int capacity)
{
    /// <summary>Every request's latency in <see cref="Stopwatch"/> ticks, successes and failures alike.</summary>
    public List<long> Latencies { get; } = new(capacity);

    public int Errors { get; private set; }

    public string? FirstError { get; private set; }

    /// <summary>When the first error's request started (Stopwatch timestamp), to pick the earliest across workers.</summary>
    public long FirstErrorAt { get; private set; } = long.MaxValue;

    public void Fail(long startedAt, string error)
    {
        if (Errors++ == 0)
        {
            FirstError = error;
            FirstErrorAt = startedAt;
        }
    }
}

/// <summary>The workers' logs of one measured run and how long it took.</summary>
internal sealed record Measurement(IReadOnlyList<WorkerLog> Logs, TimeSpan Elapsed);
