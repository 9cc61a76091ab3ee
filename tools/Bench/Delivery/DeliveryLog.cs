namespace DistaHilar.Bench.Delivery;

/// <summary>
/// When each client received each event (<see cref="System.Diagnostics.Stopwatch"/> timestamps; 0 = not yet). The
/// SignalR client runs one connection's handlers one at a time, so each cell has one writer and recording takes no
/// lock; the client that completes an event completes that event's task.
/// </summary>
internal sealed class DeliveryLog
{
    private readonly long[][] receivedAt;
    private readonly int[] missing;
    private readonly TaskCompletionSource[] complete;

    public DeliveryLog(int events, int clients)
    {
        Clients = clients;
        receivedAt = [.. Enumerable.Range(0, events).Select(_ => new long[clients])];
        missing = [.. Enumerable.Repeat(clients, events)];
        complete = [.. Enumerable.Range(0, events).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))];
    }

    public int Clients { get; }

    /// <summary>Notes that <paramref name="client"/> got event <paramref name="index"/>; repeats (delivery is at least once) count once.</summary>
    public void Record(int index, int client, long timestamp)
    {
        if ((uint)index >= (uint)receivedAt.Length || receivedAt[index][client] != 0)
        {
            return;
        }

        Volatile.Write(ref receivedAt[index][client], timestamp);
        if (Interlocked.Decrement(ref missing[index]) == 0)
        {
            complete[index].TrySetResult();
        }
    }

    /// <summary>True once every client has event <paramref name="index"/>; false if that took longer than <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForEveryoneAsync(int index, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await complete[index].Task.WaitAsync(timeout, ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public int Received(int index) => Clients - Volatile.Read(ref missing[index]);

    /// <summary>When <paramref name="client"/> got event <paramref name="index"/>, or 0 if it has not.</summary>
    public long ReceivedAt(int index, int client) => Volatile.Read(ref receivedAt[index][client]);
}
