using DistaHilar.Core.Auth;
using DistaHilar.Core.Chats;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Media;
using DistaHilar.Core.RateLimiting;
using DistaHilar.Core.Realtime;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DistaHilar.Core.Messages;

/// <summary>
/// Forwarding: copies of messages from a chat the caller can read (a member, or a public chat's previewer) into a
/// chat they may post in. A copy keeps the original's author, chat, id and time; a copy of a copy keeps the first
/// original. Every id is checked, and all copies are made or none.
/// </summary>
public sealed class MessageForwards(DistaHilarDbContext db, ChatService chats, RealtimeEvents events, IMediaStore store, UserLimits limits, TimeProvider time)
{
    /// <summary>The copies, newest last; Created false when a retried clientMessageId returned the first forward's copies.</summary>
    public async Task<Result<(IReadOnlyList<MessageView> Messages, bool Created)>> ForwardAsync(Caller caller, Guid chatId, ForwardMessagesRequest request, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        // Each copy is a message to the target chat, as a send is.
        if (limits.CheckMessages(caller.UserId, chatId, request.MessageIds!.Count) is { } limited)
        {
            return limited;
        }

        // The source is read outside the transaction, unlocked: two forwards in opposite directions never wait on each other.
        var (source, sourceMember) = await chats.LoadAsync(caller, request.FromChatId!.Value, tracked: false, ct);
        if (source is null || (sourceMember is null && !ChatRules.IsPreviewable(source)))
        {
            return Problem.NotFound("The chat to forward from");
        }

        var ids = request.MessageIds!;
        var me = caller.UserId;
        var originals = await db.Messages.AsNoTracking()
            .Where(m => ids.Contains(m.Id) && m.ChatId == source.Id && m.DeletedAt == null)
            .Where(m => !db.HiddenMessages.Any(h => h.UserId == me && h.MessageId == m.Id))
            .OrderBy(m => m.Seq)
            .ToListAsync(ct);
        if (originals.Count != ids.Count)
        {
            return Problem.NotFound("One or more of the messages");
        }

        if (originals.Any(m => m.Service is not null))
        {
            return Problem.Validation("messageIds", "Service messages (a call's record) cannot be forwarded.");
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = time.GetUtcNow();
        if (await db.TakeMessageNumbersAsync(chatId, me, originals.Count, now, ct) is not var (lastSeq, lastEventSeq, chatType))
        {
            // Not a member, or a channel subscriber: undo the numbers, then answer as every write does.
            await tx.RollbackAsync(ct);
            var (chat, member) = await chats.LoadAsync(caller, chatId, tracked: false, ct);
            return ChatService.Visible(chat, member) ?? Problem.Forbidden("Only the owner and admins post in a channel.");
        }

        if (request.ClientMessageId is { } key && await ExistingAsync(chatId, me, key, originals.Count, ct) is { } retried)
        {
            await tx.RollbackAsync(ct);
            return (retried, false);
        }

        var copies = originals.Select((original, i) => new Message
        {
            Id = Guid.CreateVersion7(now),
            ChatId = chatId,
            Seq = lastSeq - originals.Count + 1 + i,
            SenderId = me,
            ClientMessageId = request.ClientMessageId is { } k ? ForwardMessagesRequest.CopyKey(k, i) : null,
            Text = original.Text,
            ForwardedFromSenderId = original.ForwardedFromSenderId ?? original.SenderId,
            // Only a public source chat is named: a private one's id would tell readers who are not in it where it came from.
            ForwardedFromChatId = original.ForwardedFromMessageId is not null ? original.ForwardedFromChatId : ChatRules.IsPreviewable(source) ? source.Id : null,
            ForwardedFromMessageId = original.ForwardedFromMessageId ?? original.Id,
            ForwardedFromCreatedAt = original.ForwardedFromCreatedAt ?? original.CreatedAt,
            MediaCount = original.MediaCount,
            CreatedAt = now,
        }).ToList();
        db.Messages.AddRange(copies);
        // A copy shares the original's media (they become visible to the target chat's members through it).
        var media = await MessageAttachments.ForAsync(db, store, originals, ct);
        for (var i = 0; i < copies.Count; i++)
        {
            if (media.TryGetValue(originals[i].Id, out var attached))
            {
                db.MessageMedia.AddRange(MessageAttachments.Rows(copies[i].Id, attached.Select(a => a.Id)));
            }
        }

        if (media.Count > 0)
        {
            await MediaCleanup.ClaimAsync(db, media.Values.SelectMany(v => v.Select(m => m.Id)).Distinct().ToList(), ct);
        }

        var views = copies.Select((c, i) => MessageService.View(c, null, media: media.GetValueOrDefault(originals[i].Id)) with { ReadByPeer = chatType == ChatType.Dialog ? false : null }).ToList();
        for (var i = 0; i < views.Count; i++)
        {
            events.ToChat(chatId, lastEventSeq - views.Count + 1 + i, MessageService.Created, views[i]);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: MessageConfiguration.ClientMessageIdIndex })
        {
            // The same forward raced in from a retry: the one that committed is the answer.
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            events.Discard();
            return (await ExistingAsync(chatId, me, request.ClientMessageId!, originals.Count, ct) ?? throw new InvalidOperationException("The winning forward is gone."), false);
        }

        await tx.CommitAsync(ct);
        await events.PublishAsync(ct);
        return (views, true);
    }

    private async Task<IReadOnlyList<MessageView>?> ExistingAsync(Guid chatId, Guid senderId, string key, int count, CancellationToken ct)
    {
        var keys = Enumerable.Range(0, count).Select(i => ForwardMessagesRequest.CopyKey(key, i)).ToList();
        var copies = await db.Messages.AsNoTracking()
            .Where(m => m.ChatId == chatId && m.SenderId == senderId && m.ClientMessageId != null && keys.Contains(m.ClientMessageId))
            .OrderBy(m => m.Seq)
            .ToListAsync(ct);
        if (copies.Count == 0)
        {
            return null;
        }

        var media = await MessageAttachments.ForAsync(db, store, copies, ct);
        return copies.Select(c => MessageService.View(c, null, media: media.GetValueOrDefault(c.Id))).ToList();
    }
}
