namespace DistaHilar.Core.Common;

/// <summary>
/// Work a request has committed to that its client need not wait for, such as sending its events to the SignalR
/// Service: what is committed is durable already (the outbox), so the answer need not wait. An HTTP adapter that can
/// write the response before its invocation ends calls <see cref="Detach"/>; work started after that begins at once,
/// runs alongside the rest of the request and its response, and the adapter awaits it with <see cref="FinishAsync"/>
/// after writing the response, inside the same invocation, so the host keeps the instance until it is done.
/// Everywhere else (queue triggers, timers, tools) <see cref="Start"/> simply runs the work.
/// </summary>
public sealed class AfterResponse
{
    private Task? pending;
    private bool detached;

    public bool HasWork => pending is not null;

    /// <summary>From now on <see cref="Start"/> does not make the caller wait.</summary>
    public void Detach() => detached = true;

    /// <summary>
    /// Runs <paramref name="work"/>, after any work started before it (so a request's events keep their order). The
    /// work must not share the request's scoped services (it may run while the request goes on), must not depend on
    /// the request's cancellation (the client may hang up once answered) and must not throw.
    /// </summary>
    public Task Start(Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var previous = pending;
        var next = previous is null ? work() : ThenAsync(previous, work);
        if (!detached)
        {
            return next;
        }

        pending = next;
        return Task.CompletedTask;
    }

    /// <summary>Waits for the work started so far.</summary>
    public Task FinishAsync() => pending ?? Task.CompletedTask;

    private static async Task ThenAsync(Task previous, Func<Task> work)
    {
        await previous;
        await work();
    }
}
