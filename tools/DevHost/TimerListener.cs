using DistaHilar.DevHost.Rpc;
using Microsoft.Extensions.Logging;

namespace DistaHilar.DevHost;

/// <summary>Fires a timer-triggered function on its schedule (and at start when <c>runOnStartup</c> is set).</summary>
internal sealed class TimerListener(FunctionDescriptor function, TimerTrigger trigger, WorkerChannel channel, TimeProvider time, ILogger log)
{
    private readonly CronSchedule schedule = CronSchedule.Parse(trigger.Schedule);

    public async Task RunAsync(CancellationToken ct)
    {
        DateTimeOffset? last = null;
        if (trigger.RunOnStartup)
        {
            last = time.GetUtcNow();
            await FireAsync(last.Value, ct);
        }

        while (!ct.IsCancellationRequested)
        {
            var next = schedule.Next(time.GetUtcNow());
            var wait = next - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            if (!ct.IsCancellationRequested)
            {
                await FireAsync(next, ct, last);
                last = next;
            }
        }
    }

    private async Task FireAsync(DateTimeOffset now, CancellationToken ct, DateTimeOffset? last = null)
    {
        var info = TimerInfoPayload(now, schedule.Next(now), last);
        try
        {
            var response = await channel.InvokeAsync(Invocations.New(function, Guid.NewGuid().ToString(), info), ct);
            if (response.Result.Status != StatusResult.Types.Status.Success)
            {
                log.LogError("Timer function {Function} failed: {Error}", function.Name, response.Result.Exception?.Message);
            }
        }
        catch (Exception ex) when (ex is WorkerUnavailableException or OperationCanceledException)
        {
            log.LogWarning("Timer function {Function} did not run: {Reason}", function.Name, ex.Message);
        }
    }

    /// <summary>The TimerInfo JSON the worker binds: schedule status and whether the run is late.</summary>
    internal static TypedData TimerInfoPayload(DateTimeOffset now, DateTimeOffset next, DateTimeOffset? last) =>
        Invocations.Json(new
        {
            ScheduleStatus = new { Last = last ?? now, Next = next, LastUpdated = now },
            IsPastDue = false,
        });
}
