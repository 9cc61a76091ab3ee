using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Media;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.RateLimiting;
using DistaHilar.Core.Realtime;
using DistaHilar.Core.Telemetry;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Messages;

/// <summary>
/// Forwarding: copies of messages from a chat the caller can read (a member, or a public chat's previewer) into a
/// chat they may post in. A copy keeps the original's author, chat, id and time; a copy of a copy keeps the first
/// original. Every id is checked, and all copies are made or none.
/// </summary>
public sealed class MessageForwards(DistaHilarDbContext db, MediaCleanup mediaCleanup, ChatAccess access, WritePipeline pipeline, RealtimeEvents events, MessageViews messageViews, UserLimits limits, AppMetrics metrics, TimeProvider time)
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
        var (source, sourceMember) = await access.LoadAsync(caller.UserId, request.FromChatId!.Value, ct);
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

        // A retry is answered with the first forward's copies; a copy racing in is the conflict below.
        if (request.ClientMessageId is { } key && await ExistingAsync(chatId, me, key, originals.Count, ct) is { } retried)
        {
            return (retried, false);
        }

        var racedIn = new OnConflict<(IReadOnlyList<MessageView>, bool)>(
            Conflicts.Unique(MessageConfiguration.ClientMessageIdIndex),
            async (_, ct) => (await ExistingAsync(chatId, me, request.ClientMessageId!, originals.Count, ct) ?? throw new InvalidOperationException("The winning forward is gone."), false));
        var forwarded = await pipeline.RunAsync<(IReadOnlyList<MessageView>, bool)>(
            async () =>
            {
                var now = time.GetUtcNow();
                // The numbers' statement is the permission check, in the chat row's lock (ChatNumbers).
                if (await db.TakeMessageNumbersAsync(chatId, me, originals.Count, now, ct) is not var (lastSeq, lastEventSeq, chatType))
                {
                    var (chat, member) = await access.LoadAsync(me, chatId, ct);
                    return ChatAccess.Visible(chat, member) ?? Problem.Forbidden("Only the owner and admins post in a channel.");
                }

                var media = await messageViews.AttachmentsAsync(originals, ct);
                if (media.Count > 0)
                {
                    await mediaCleanup.ClaimAsync(media.Values.SelectMany(v => v.Select(m => m.Id)).Distinct().ToList(), ct);
                }

                return (Copy(source, originals, chatId, me, request.ClientMessageId, lastSeq, lastEventSeq, chatType, now, media), true);
            },
            ct,
            racedIn);
        if (forwarded is { IsSuccess: true, Value: ({ Count: var count }, true) })
        {
            metrics.MessageSent(count, "forward");
        }

        return forwarded;
    }

    /// <summary>Adds the copies and their <c>message.created</c> events to the unit of work; their views, newest last.</summary>
    private List<MessageView> Copy(Chat source, List<Message> originals, Guid chatId, Guid me, string? clientMessageId, long lastSeq, long lastEventSeq, ChatType chatType, DateTimeOffset now, Dictionary<Guid, List<MediaView>> media)
    {
        var copies = originals.Select((original, i) => new Message
        {
            Id = Guid.CreateVersion7(now),
            ChatId = chatId,
            Seq = lastSeq - originals.Count + 1 + i,
            SenderId = me,
            ClientMessageId = clientMessageId is { } k ? ForwardMessagesRequest.CopyKey(k, i) : null,
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
        for (var i = 0; i < copies.Count; i++)
        {
            if (media.TryGetValue(originals[i].Id, out var attached))
            {
                db.MessageMedia.AddRange(MessageViews.Rows(copies[i].Id, attached.Select(a => a.Id)));
            }
        }

        var views = copies.Select((c, i) => MessageViews.View(c, null, media: media.GetValueOrDefault(originals[i].Id)) with { ReadByPeer = chatType == ChatType.Dialog ? false : null }).ToList();
        for (var i = 0; i < views.Count; i++)
        {
            events.ToChat(chatId, lastEventSeq - views.Count + 1 + i, MessageService.Created, views[i]);
        }

        return views;
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

        var media = await messageViews.AttachmentsAsync(copies, ct);
        return copies.Select(c => MessageViews.View(c, null, media: media.GetValueOrDefault(c.Id))).ToList();
    }
}
