using DistaHilar.DevHost.Rpc;
using Microsoft.Extensions.Logging;

namespace DistaHilar.DevHost;

/// <summary>One timer invocation the host made: which function, for which occurrence of its schedule.</summary>
/// <param name="IsPastDue">The occurrence fell due while no instance held the timer's lock; it ran late, once.</param>
public sealed record TimerRun(string Function, DateTimeOffset ScheduledFor, bool IsPastDue);

/// <summary>
/// Fires a timer-triggered function on its schedule (and at start when <c>runOnStartup</c> is set). With a
/// <see cref="TimerSingleton"/> it runs only while this instance holds the timer's lock, as the Functions host runs a
/// timer on one instance of an app at a time.
/// </summary>
internal sealed class TimerListener(FunctionDescriptor function, TimerTrigger trigger, WorkerChannel channel, TimeProvider time, TimerSingleton? singleton, Action<TimerRun> ran, Action<bool> holding, ILogger log)
{
    private static readonly TimeSpan StatusWriteTimeout = TimeSpan.FromSeconds(2);
    private readonly CronSchedule schedule = CronSchedule.Parse(trigger.Schedule);

    public async Task RunAsync(CancellationToken ct)
    {
        if (singleton is null)
        {
            await RunScheduleAsync(status: null, startup: trigger.RunOnStartup, ct);
            return;
        }

        var startup = trigger.RunOnStartup;
        while (!ct.IsCancellationRequested)
        {
            TimerSingleton.Held held;
            try
            {
                held = await singleton.AcquireAsync(ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await using (held)
            {
                holding(true);
                try
                {
                    using var running = CancellationTokenSource.CreateLinkedTokenSource(ct, held.Lost);
                    await RunScheduleAsync(await singleton.ReadStatusAsync(running.Token), startup, running.Token);
                }
                catch (OperationCanceledException)
                {
                    // Stopping, or the lease was lost: another instance may take over.
                }
                finally
                {
                    holding(false);
                }
            }

            startup = false; // the host runs it on startup once, on the instance that first holds the lock
        }
    }

    private async Task RunScheduleAsync(TimerSingleton.ScheduleStatus? status, bool startup, CancellationToken ct)
    {
        DateTimeOffset? last = status?.Last;
        if (startup)
        {
            last = time.GetUtcNow();
            await FireAsync(last.Value, isPastDue: false, last, ct);
        }
        else if (status is not null && status.Next < time.GetUtcNow())
        {
            // An occurrence fell due while no instance held the lock (a hand-over): it runs now, once, past due.
            await FireAsync(status.Next, isPastDue: true, last, ct);
            last = status.Next;
        }

        while (!ct.IsCancellationRequested)
        {
            // Never an occurrence the last holder already ran (its clock may be ahead of the time it handed over).
            var from = last is { } ran && ran > time.GetUtcNow() ? ran : time.GetUtcNow();
            var next = schedule.Next(from);
            var wait = next - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            if (!ct.IsCancellationRequested)
            {
                await FireAsync(next, isPastDue: false, last, ct);
                last = next;
            }
        }
    }

    private async Task FireAsync(DateTimeOffset occurrence, bool isPastDue, DateTimeOffset? last, CancellationToken ct)
    {
        var next = schedule.Next(occurrence);
        var info = TimerInfoPayload(occurrence, next, last, isPastDue);
        ran(new TimerRun(function.Name, occurrence, isPastDue));
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

        if (singleton is not null)
        {
            // Written even when the invocation failed or the host is stopping: the host counts an occurrence as run
            // once it was invoked. Bounded, since storage may be stopping too (a Ctrl-C reaches every process).
            using var bounded = new CancellationTokenSource(StatusWriteTimeout);
            await singleton.WriteStatusAsync(new TimerSingleton.ScheduleStatus(occurrence, next, time.GetUtcNow()), bounded.Token);
        }
    }

    /// <summary>The TimerInfo JSON the worker binds: schedule status and whether the run is late.</summary>
    internal static TypedData TimerInfoPayload(DateTimeOffset now, DateTimeOffset next, DateTimeOffset? last, bool isPastDue = false) =>
        Invocations.Json(new
        {
            ScheduleStatus = new { Last = last ?? now, Next = next, LastUpdated = now },
            IsPastDue = isPastDue,
        });
}
