using DistaHilar.Core.Data;

namespace DistaHilar.Core.Messages;

/// <summary>
/// Group commit for one busy chat, in this instance. Sends into one chat are written one after the other (they take
/// its numbers under the chat row's lock), so while one chat's send runs, the sends that arrive for it queue here;
/// when it ends, all that queued (up to <see cref="MaxBatch"/>) are written by one statement with one commit, led by
/// the first of them. A send into a quiet chat leads at once, alone: it pays nothing for the queue.
/// <para>
/// Each waiting send is answered with its own outcome, or told to lead the next batch. A lane exists exactly while a
/// batch of its chat runs, so a leader must always call <see cref="Finished"/>, and a send withdraws from the queue
/// only while nobody has taken it yet.
/// </para>
/// </summary>
public sealed class SendLanes
{
    /// <summary>At most this many sends in one statement; more wait for the next.</summary>
    public const int MaxBatch = 64;

    private readonly Dictionary<Guid, List<QueuedSend>> lanes = [];

    /// <summary>True when <paramref name="send"/> leads now (alone); otherwise it waits on <see cref="QueuedSend.Turn"/>.</summary>
    public bool TryLead(QueuedSend send)
    {
        ArgumentNullException.ThrowIfNull(send);
        lock (lanes)
        {
            if (lanes.TryGetValue(send.Message.ChatId, out var waiting))
            {
                waiting.Add(send);
                return false;
            }

            lanes.Add(send.Message.ChatId, []);
            return true;
        }
    }

    /// <summary>How many sends wait behind the chat's running batch in this instance.</summary>
    public int Waiting(Guid chatId)
    {
        lock (lanes)
        {
            return lanes.TryGetValue(chatId, out var waiting) ? waiting.Count : 0;
        }
    }

    /// <summary>Takes a waiting send out of the queue; false when a batch has already taken it.</summary>
    public bool TryWithdraw(QueuedSend send)
    {
        ArgumentNullException.ThrowIfNull(send);
        lock (lanes)
        {
            return lanes.TryGetValue(send.Message.ChatId, out var waiting) && waiting.Remove(send);
        }
    }

    /// <summary>The chat's batch has ended: the sends waiting behind it become the next batch, led by the first.</summary>
    public void Finished(Guid chatId)
    {
        List<QueuedSend> next;
        lock (lanes)
        {
            var waiting = lanes[chatId];
            if (waiting.Count == 0)
            {
                lanes.Remove(chatId);
                return;
            }

            var count = Math.Min(waiting.Count, MaxBatch);
            next = waiting.GetRange(0, count);
            waiting.RemoveRange(0, count);
        }

        next[0].Answer(new SendTurn.Lead(next));
    }
}

/// <summary>One send waiting in <see cref="SendLanes"/>.</summary>
public sealed class QueuedSend(NewMessage message, OutboxMessage created)
{
    private readonly TaskCompletionSource<SendTurn> turn = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NewMessage Message { get; } = message;

    public OutboxMessage Created { get; } = created;

    public Task<SendTurn> Turn => turn.Task;

    public void Answer(SendTurn answer) => turn.SetResult(answer);
}

/// <summary>What a waiting send is told: lead this batch (itself first), how its send went, or to run alone.</summary>
public abstract record SendTurn
{
    public sealed record Lead(IReadOnlyList<QueuedSend> Batch) : SendTurn;

    public sealed record Done(SendOutcome Outcome) : SendTurn;

    /// <summary>Run the send alone: its batch failed and wrote nothing, or the request was cancelled while waiting.</summary>
    public sealed record Alone : SendTurn;
}
