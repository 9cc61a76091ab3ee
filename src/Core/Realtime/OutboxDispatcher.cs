using DistaHilar.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace DistaHilar.Core.Realtime;

/// <summary>
/// The outbox's safety net, run by a timer: sends what requests could not (the service was down, the process died
/// after its commit), batch by batch, until nothing is due or its time slice is used up; then it counts what is still
/// unpublished, for the backlog gauge (one index-only count every run, capped, so a long outage's backlog stays cheap).
/// </summary>
public sealed class OutboxDispatcher(OutboxPublisher publisher, SignalRSetup setup, AppMetrics metrics, TimeProvider time, ILogger<OutboxDispatcher> log)
{
    private const int BatchSize = 100;
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(45);

    public async Task<int> RunAsync(CancellationToken ct)
    {
        if (setup.Connection is null)
        {
            return 0;
        }

        var started = time.GetTimestamp();
        var total = 0;
        (int Taken, bool Failed) batch;
        do
        {
            batch = await publisher.DispatchDueAsync(BatchSize, ct);
            total += batch.Taken;
        }
        while (batch is { Taken: BatchSize, Failed: false } && time.GetElapsedTime(started) < Slice && !ct.IsCancellationRequested);

        if (total > 0)
        {
            log.LogInformation("Outbox dispatcher handled {Count} due rows", total);
        }

        metrics.OutboxBacklogCounted(await publisher.CountUnpublishedAsync(AppMetrics.BacklogCap, ct));

        return total;
    }
}
