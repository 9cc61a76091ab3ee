namespace DistaHilar.SignalREmulator;

/// <summary>
/// Holds the server-side REST calls while a test wants them held (<see cref="SignalREmulator.HoldRest"/>), so it can
/// see what the app does while its call to the service is still open. A call the app gives up on is let go.
/// </summary>
internal sealed class RestHold
{
    private TaskCompletionSource? gate;
    private int waiting;

    public int Waiting => Volatile.Read(ref waiting);

    public IDisposable Hold()
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref gate, held);
        return new Release(() =>
        {
            Interlocked.CompareExchange(ref gate, null, held);
            held.TrySetResult();
        });
    }

    /// <summary>False when the caller gave up (or the emulator stopped) while held: the request is not handled.</summary>
    public async Task<bool> PassAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref gate) is not { } held)
        {
            return true;
        }

        Interlocked.Increment(ref waiting);
        try
        {
            await held.Task.WaitAsync(ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        finally
        {
            Interlocked.Decrement(ref waiting);
        }
    }

    private sealed class Release(Action release) : IDisposable
    {
        public void Dispose() => release();
    }
}
