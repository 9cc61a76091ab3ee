namespace DistaHilar.Core.Common;

/// <summary>
/// Work a request has committed to that its client need not wait for, such as sending its events to the SignalR
/// Service: what is committed is durable already (the outbox), so the answer goes out first. An HTTP adapter that can
/// write the response before its invocation ends calls <see cref="Defer"/> and then <see cref="RunDeferredAsync"/>
/// once the response is written, inside the same invocation, so the host keeps the instance until it is done.
/// Everywhere else (queue triggers, timers, tools) the work runs at once, as if nothing were deferred.
/// </summary>
public sealed class AfterResponse
{
    private readonly List<Func<Task>> deferred = [];
    private bool deferring;

    public bool HasWork => deferred.Count > 0;

    /// <summary>From now on work waits for <see cref="RunDeferredAsync"/>.</summary>
    public void Defer() => deferring = true;

    /// <summary>
    /// Runs <paramref name="work"/> now, or after the response when deferring. Deferred work must not depend on the
    /// request's cancellation (the client may hang up once answered) and must not throw: it is the last thing done.
    /// </summary>
    public Task RunAsync(Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!deferring)
        {
            return work();
        }

        deferred.Add(work);
        return Task.CompletedTask;
    }

    /// <summary>Runs what was deferred, in order; later work runs at once.</summary>
    public async Task RunDeferredAsync()
    {
        deferring = false;
        foreach (var work in deferred.ToList())
        {
            await work();
        }

        deferred.Clear();
    }
}
