using DistaHilar.Core.Data;
using DistaHilar.Core.Realtime;

namespace DistaHilar.Core.Pipeline;

/// <summary>
/// A change to one chat as the pipeline hands it to a feature: the chat and the caller's membership, loaded (tracked)
/// after the chat row was locked, and the chat's numbers. Whatever the feature changes on them, or adds to the
/// DbContext, the pipeline saves and commits with the events it records here.
/// </summary>
public sealed class ChatWrite(DistaHilarDbContext db, RealtimeEvents events, Chat chat, ChatMember? me)
{
    public Chat Chat { get; } = chat;

    /// <summary>The caller's membership: always there unless the change was opened to non-members (a join).</summary>
    public ChatMember Me => me ?? throw new InvalidOperationException("The caller is not a member of the chat.");

    public ChatMember? Membership => me;

    public RealtimeEvents Events => events;

    /// <summary>Takes the chat's next event number (and moves its member count), in the chat row's lock.</summary>
    public async Task<long> NextSeqAsync(int memberDelta, CancellationToken ct)
    {
        var (seq, count) = await db.NextSeqAsync(Chat.Id, memberDelta, ct);
        Chat.MemberCount = count;
        return seq;
    }

    /// <summary>A chat event for every member, with the chat's next event number.</summary>
    public async Task<RealtimeEnvelope> AnnounceAsync(string type, object data, CancellationToken ct) =>
        events.ToChat(Chat.Id, await NextSeqAsync(0, ct), type, data);
}
