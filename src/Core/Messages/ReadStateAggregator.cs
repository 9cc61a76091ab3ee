using System.Text.Json;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.Realtime;
using DistaHilar.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Messages;

/// <summary>A member's read pointer moved; the aggregator reads the pointer itself, so any number of these coalesce.</summary>
public sealed record ReadEvent(Guid ChatId, Guid UserId);

/// <summary><c>read.updated</c>: a member has read the chat up to <c>ReadSeq</c> (a message's seq).</summary>
public sealed record ReadUpdated(Guid ChatId, Guid UserId, long ReadSeq);

/// <summary>
/// The <c>read-state</c> queue's handler. For the member's reads not yet counted (between their applied and current
/// pointers) it adds one to each message's read count (a channel post's view count) and announces <c>read.updated</c>
/// to dialogs and groups. Idempotent: the applied pointer moves in the same transaction, so a message handled twice,
/// or many messages for one pointer move, count once.
/// </summary>
public sealed class ReadStateAggregator(DistaHilarDbContext db, WritePipeline pipeline, RealtimeEvents events)
{
    public const string Queue = "read-state";
    public const string Event = "read.updated";

    public Task ApplyAsync(ReadEvent read, CancellationToken ct) => pipeline.RunAsync<Done>(
        async () =>
        {
            var type = await db.Chats.Where(c => c.Id == read.ChatId).Select(c => (ChatType?)c.Type).FirstOrDefaultAsync(ct);
            if (type is null)
            {
                return Done.Value; // the chat is gone
            }

            if (type != ChatType.Channel)
            {
                // The chat row before the member row, as every writer takes them: a send locks the chat, then moves its
                // sender's read pointer, so taking the member first and the chat's event number after deadlocked with
                // the reader's own sends.
                await db.LockChatAsync(read.ChatId, ct);
            }

            var member = await db.ChatMembers
                .FromSql($"SELECT * FROM chat_members WHERE chat_id = {read.ChatId} AND user_id = {read.UserId} FOR NO KEY UPDATE")
                .SingleOrDefaultAsync(ct); // the primary key: at most one row (First would warn of an unordered query)
            if (member is null || member.ReadSeq <= member.ReadAppliedSeq)
            {
                return Done.Value; // left the chat, or nothing new: handled already
            }

            var (from, to) = (member.ReadAppliedSeq, member.ReadSeq);
            await db.Messages
                .Where(m => m.ChatId == read.ChatId && m.Seq > from && m.Seq <= to && m.SenderId != read.UserId && m.DeletedAt == null)
                .ExecuteUpdateAsync(m => m.SetProperty(x => x.ReadCount, x => x.ReadCount + 1), ct);
            member.ReadAppliedSeq = to;
            if (type != ChatType.Channel)
            {
                // Channels count views silently: telling every subscriber about every other subscriber's reads would not scale.
                var (seq, _) = await db.NextSeqAsync(read.ChatId, 0, ct);
                events.ToChat(read.ChatId, seq, Event, new ReadUpdated(read.ChatId, read.UserId, to));
            }

            return Done.Value;
        },
        ct);
}

/// <summary>Puts read events on the aggregator's queue (created on first use).</summary>
public sealed class ReadEventSender(QueueSender queues)
{
    public Task EnqueueAsync(ReadEvent read, CancellationToken ct) => queues.SendAsync(ReadStateAggregator.Queue, read, ct);
}
