using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Media;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.RateLimiting;
using DistaHilar.Core.Realtime;
using DistaHilar.Core.Telemetry;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DistaHilar.Core.Messages;

/// <summary>
/// Sending, history and read pointers. A send takes the chat's next message and event numbers under the chat row's
/// lock, so numbers follow commit order with no gaps; it commits with its <c>message.created</c> event (outbox). A
/// text send is one round trip to the database (<see cref="SendStatement"/>); a reply or attachments add one read
/// before it, outside the chat row's lock.
/// </summary>
public sealed class MessageService(DistaHilarDbContext db, UnreadCounts unreadCounts, SendStatement send, ChatAccess access, WritePipeline pipeline, RealtimeEvents events, ReadEventSender readEvents, MessageViews messageViews, UserLimits limits, AppMetrics metrics, TimeProvider time)
{
    public const string Created = "message.created";
    public const int DefaultPage = 50;
    public const int MaxPage = 100;

    /// <summary>
    /// A read pointer moved forward (never back) in one statement: the member, the message's seq, the move, and the
    /// chat's last message seq. Not moved when it is already there or beyond (no write); then the pointer answered is at
    /// least the message's, which a concurrent move on another device may have passed. Reads not yet applied to read
    /// counts (this move, or one whose queueing failed) are queued for the aggregator.
    /// </summary>
    private const string ReadSql = """
        WITH me AS (SELECT read_seq, read_applied_seq FROM chat_members WHERE chat_id = @chat AND user_id = @user),
        target AS (SELECT seq FROM messages WHERE id = @message AND chat_id = @chat),
        moved AS (
            UPDATE chat_members m SET read_seq = target.seq FROM target
            WHERE m.chat_id = @chat AND m.user_id = @user AND m.read_seq < target.seq
            RETURNING m.read_seq)
        SELECT EXISTS (SELECT 1 FROM me), (SELECT seq FROM target),
            COALESCE((SELECT read_seq FROM moved), GREATEST((SELECT read_seq FROM me), (SELECT seq FROM target)), 0),
            EXISTS (SELECT 1 FROM moved) OR COALESCE((SELECT read_seq > read_applied_seq FROM me), FALSE),
            (SELECT last_message_seq FROM chats WHERE id = @chat)
        """;

    /// <summary>201 with the new message, or the original (Created false) for a clientMessageId already used.</summary>
    public async Task<Result<(MessageView Message, bool Created)>> SendAsync(Caller caller, Guid chatId, SendMessageRequest request, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        // In memory: no database round trip on the send path (UserLimits).
        if (limits.CheckMessages(caller.UserId, chatId) is { } limited)
        {
            return limited;
        }

        // Read first only for what the answer and the event show (attachments' views, the reply's preview); the
        // statement checks both again as it writes. A plain text send is the statement alone: one round trip.
        var media = request.HasMedia ? await messageViews.AttachableAsync(caller.UserId, request.MediaIds!, ct) : [];
        if (media is null)
        {
            return await ExistingAsync(caller, chatId, request.ClientMessageId!, ct) is { } retried
                ? (retried, false)
                : Problem.Validation("mediaIds", "Every media id must be an upload of yours that is complete and has not failed.");
        }

        var replyTo = request.ReplyToId is { } replyId
            ? await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == replyId && m.ChatId == chatId && m.DeletedAt == null, ct)
            : null;
        var now = time.GetUtcNow();
        var message = new Message
        {
            Id = Guid.CreateVersion7(now),
            ChatId = chatId,
            SenderId = caller.UserId,
            ClientMessageId = request.ClientMessageId,
            Text = request.Text,
            ReplyToId = request.ReplyToId,
            MediaCount = (short)media.Count,
            CreatedAt = now,
        };
        var view = MessageViews.View(message, replyTo, media: await messageViews.MediaAsync(media, ct));
        var created = events.PrepareToChat(chatId, Created, view);
        var outcome = await send.RunAsync(
            new NewMessage(message.Id, chatId, caller.UserId, request.ClientMessageId!, request.Text, request.ReplyToId, [.. MessageRules.MentionedUsernames(request.Text)], [.. media.Select(m => m.Id)], now),
            created,
            ct);
        switch (outcome)
        {
            case SendOutcome.Sent sent:
                metrics.MessageSent(1, "send");
                await pipeline.PublishWrittenAsync(created, sent.OutboxId, sent.Payload, ct);
                return (view with { Seq = sent.Seq, ReadByPeer = sent.ChatType == ChatType.Dialog ? false : null }, true);
            case SendOutcome.AlreadySent:
                // A retry (or the loser of two racing copies): the message that committed with this key is the answer,
                // even if what it replied to or attached is gone since.
                return (await ExistingAsync(caller, chatId, request.ClientMessageId!, ct) ?? throw new InvalidOperationException("The earlier send is gone."), false);
            case SendOutcome.ReplyNotFound:
                return Problem.Validation("replyToId", "Not a message of this chat.");
            case SendOutcome.MediaNotAttachable:
                return Problem.Validation("mediaIds", "Every media id must be an upload of yours that is complete and has not failed.");
            default:
                var (chat, me) = await access.LoadAsync(caller.UserId, chatId, ct);
                return ChatAccess.Visible(chat, me) ?? Problem.Forbidden("Only the owner and admins post in a channel.");
        }
    }

    /// <summary>
    /// Newest first. <paramref name="before"/> / <paramref name="after"/> / <paramref name="around"/> a message id, or
    /// the opaque <see cref="PageRequest.Cursor"/> of an earlier page (at most one of the four); each page is one index
    /// range scan on (chat_id, seq), so its cost does not depend on depth. <c>nextCursor</c> always continues in the
    /// list's order, to the messages older than the page's last (oldest) one, and is null when there are none.
    /// </summary>
    public async Task<Result<Page<MessageView>>> HistoryAsync(Caller caller, Guid chatId, Guid? before, Guid? after, Guid? around, PageRequest request, CancellationToken ct)
    {
        if (new object?[] { before, after, around, request.Cursor }.Count(a => a is not null) > 1)
        {
            return Problem.Validation("before", "Use at most one of before, after, around and cursor.");
        }

        long? cursorSeq = null;
        if (request.Cursor is { } text)
        {
            var key = Cursor.Decode<HistoryCursor>(text);
            if (!key.IsSuccess)
            {
                return key.Problem;
            }

            cursorSeq = key.Value.Before;
        }

        var (chat, member) = await access.LoadAsync(caller.UserId, chatId, ct);
        if (chat is null || (member is null && !ChatRules.IsPreviewable(chat)))
        {
            return Problem.NotFound("The chat");
        }

        long? anchor = cursorSeq;
        if ((before ?? after ?? around) is { } anchorId)
        {
            anchor = await db.Messages.Where(m => m.Id == anchorId && m.ChatId == chatId).Select(m => (long?)m.Seq).FirstOrDefaultAsync(ct);
            if (anchor is null)
            {
                return Problem.NotFound("The message");
            }
        }

        var limit = request.Limit;
        var me = caller.UserId;
        var live = db.Messages.AsNoTracking()
            .Where(m => m.ChatId == chatId && m.DeletedAt == null)
            .Where(m => !db.HiddenMessages.Any(h => h.UserId == me && h.MessageId == m.Id));
        List<Message> page;
        bool older;
        if (after is not null)
        {
            page = await live.Where(m => m.Seq > anchor).OrderBy(m => m.Seq).Take(limit).ToListAsync(ct);
            page.Reverse();
            // The only page whose continuation is not fetched with it: older than its oldest is the other direction.
            var oldest = page.Count > 0 ? page[^1].Seq : (long?)null;
            older = oldest is not null && await live.AnyAsync(m => m.Seq < oldest, ct);
        }
        else if (around is not null)
        {
            var newer = await live.Where(m => m.Seq > anchor).OrderBy(m => m.Seq).Take(limit / 2).ToListAsync(ct);
            var olderRows = await live.Where(m => m.Seq <= anchor).OrderByDescending(m => m.Seq).Take(limit - newer.Count + 1).ToListAsync(ct);
            older = olderRows.Count > limit - newer.Count;
            newer.Reverse();
            page = [.. newer, .. olderRows.Take(limit - newer.Count)];
        }
        else
        {
            // before a message, or a cursor: both are "older than this seq"; one more row tells whether a next page exists.
            var query = anchor is null ? live : live.Where(m => m.Seq < anchor);
            page = await query.OrderByDescending(m => m.Seq).Take(limit + 1).ToListAsync(ct);
            older = page.Count > limit;
            if (older)
            {
                page.RemoveAt(page.Count - 1);
            }
        }

        var next = older ? Cursor.Encode(new HistoryCursor(page[^1].Seq)) : null;
        var views = await messageViews.PageAsync(page, me, ct);
        if (chat.Type != ChatType.Dialog || views.Count == 0)
        {
            return new Page<MessageView>(views, next);
        }

        var peerRead = await db.ChatMembers.Where(m => m.ChatId == chatId && m.UserId != me).Select(m => (long?)m.ReadSeq).FirstOrDefaultAsync(ct) ?? 0;
        return new Page<MessageView>(views.Select(v => v with { ReadByPeer = v.Seq <= peerRead }).ToList(), next);
    }

    /// <summary>Moves my read pointer forward to the message (never back) and returns what is still unread.</summary>
    public async Task<Result<ReadState>> ReadAsync(Caller caller, Guid chatId, ReadRequest request, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        var pointer = await db.RunStatementAsync(
            ReadSql,
            p =>
            {
                p.Add(new NpgsqlParameter<Guid>("chat", chatId));
                p.Add(new NpgsqlParameter<Guid>("user", caller.UserId));
                p.Add(new NpgsqlParameter<Guid>("message", request.UpToMessageId!.Value));
            },
            async (reader, token) =>
            {
                await reader.ReadAsync(token);
                return reader.GetBoolean(0)
                    ? new ReadPointer(await reader.IsDBNullAsync(1, token) ? null : reader.GetInt64(1), reader.GetInt64(2), reader.GetBoolean(3), reader.GetInt64(4))
                    : null;
            },
            ct);
        if (pointer is null)
        {
            return Problem.NotFound("The chat");
        }

        if (pointer.MessageSeq is null)
        {
            return Problem.NotFound("The message");
        }

        var readSeq = pointer.ReadSeq;
        if (pointer.Unapplied)
        {
            // Read counts and read.updated are the aggregator's (coalesced). Queued whenever reads are not applied
            // yet, so a retry after a failed enqueue queues it again; a spare event changes nothing.
            await readEvents.EnqueueAsync(new ReadEvent(chatId, caller.UserId), ct);
        }

        var counts = await unreadCounts.ForAsync(caller.UserId, [new(chatId, readSeq, pointer.LastMessageSeq)], ct);
        var unread = counts.TryGetValue(chatId, out var c) ? c.Unread : 0;
        return new ReadState(chatId, readSeq, unread);
    }

    private async Task<MessageView?> ExistingAsync(Caller caller, Guid chatId, string clientMessageId, CancellationToken ct)
    {
        var message = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.ChatId == chatId && m.SenderId == caller.UserId && m.ClientMessageId == clientMessageId, ct);
        if (message is null)
        {
            return null;
        }

        return await messageViews.OneAsync(message, ct);
    }

    /// <summary>What <see cref="ReadSql"/> found: null when the caller is not a member.</summary>
    private sealed record ReadPointer(long? MessageSeq, long ReadSeq, bool Unapplied, long LastMessageSeq);

    /// <summary>The history's keyset: messages older than this chat seq.</summary>
    private sealed record HistoryCursor(long Before);
}
