using DistaHilar.Core.Data;
using DistaHilar.Core.Media;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Messages;

/// <summary>
/// Messages as a viewer sees them: reply previews, reactions and attachments, each one query for a whole page (never
/// per message); and what a sender may attach.
/// </summary>
public sealed class MessageViews(DistaHilarDbContext db, IMediaStore store)
{
    /// <summary>A page of messages as the viewer sees them.</summary>
    public async Task<List<MessageView>> PageAsync(List<Message> page, Guid viewerId, CancellationToken ct)
    {
        var replyIds = page.Where(m => m.ReplyToId is not null).Select(m => m.ReplyToId!.Value).Distinct().ToList();
        var replies = replyIds.Count == 0
            ? new Dictionary<Guid, Message>()
            : await db.Messages.AsNoTracking().Where(m => replyIds.Contains(m.Id) && m.DeletedAt == null).ToDictionaryAsync(m => m.Id, ct);
        var reactions = await ReactionsAsync(page.Select(m => m.Id).ToList(), viewerId, ct);
        var media = await AttachmentsAsync(page, ct);
        return page.Select(m => View(m, m.ReplyToId is { } r ? replies.GetValueOrDefault(r) : null, reactions.GetValueOrDefault(m.Id), media.GetValueOrDefault(m.Id))).ToList();
    }

    /// <summary>One message's view, with the preview of the (live) message it replies to and its media.</summary>
    public async Task<MessageView> OneAsync(Message message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var replyTo = message.ReplyToId is { } r ? await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == r && m.DeletedAt == null, ct) : null;
        var media = await AttachmentsAsync([message], ct);
        return View(message, replyTo, media: media.GetValueOrDefault(message.Id));
    }

    /// <summary>The reactions of a page of messages for one viewer, in one query.</summary>
    public async Task<Dictionary<Guid, List<ReactionCount>>> ReactionsAsync(IReadOnlyList<Guid> messageIds, Guid viewerId, CancellationToken ct)
    {
        if (messageIds.Count == 0)
        {
            return [];
        }

        var rows = await db.MessageReactions.AsNoTracking()
            .Where(r => messageIds.Contains(r.MessageId))
            .GroupBy(r => new { r.MessageId, r.Emoji })
            .Select(g => new { g.Key.MessageId, g.Key.Emoji, Count = g.Count(), Mine = g.Any(r => r.UserId == viewerId), First = g.Min(r => r.CreatedAt) })
            .ToListAsync(ct);
        return rows.GroupBy(r => r.MessageId).ToDictionary(
            g => g.Key,
            g => g.OrderByDescending(r => r.Count).ThenBy(r => r.First).Select(r => new ReactionCount(r.Emoji, r.Count, r.Mine)).ToList());
    }

    /// <summary>
    /// The sender's own completed, not failed uploads, in the order given; null when any id is not one. Media still
    /// processing may be attached: the chat gets <c>media.updated</c> when they are ready.
    /// </summary>
    public async Task<List<MediaAsset>?> AttachableAsync(Guid senderId, IReadOnlyList<Guid> mediaIds, CancellationToken ct)
    {
        var found = await db.Media.AsNoTracking()
            .Where(m => mediaIds.Contains(m.Id) && m.OwnerId == senderId && m.CompletedAt != null && m.Status != MediaStatus.Failed)
            .ToDictionaryAsync(m => m.Id, ct);
        return found.Count == mediaIds.Count ? mediaIds.Select(id => found[id]).ToList() : null;
    }

    /// <summary>The attachment rows of a new message, in the sender's order.</summary>
    public static IEnumerable<MessageMedia> Rows(Guid messageId, IEnumerable<Guid> mediaIds) =>
        mediaIds.Select((id, i) => new MessageMedia { MessageId = messageId, Position = (short)i, MediaId = id });

    /// <summary>The views of media about to be attached, in order.</summary>
    public async Task<List<MediaView>> MediaAsync(IEnumerable<MediaAsset> media, CancellationToken ct)
    {
        var views = new List<MediaView>();
        foreach (var medium in media)
        {
            views.Add(await MediaViews.ViewAsync(store, medium, ct));
        }

        return views;
    }

    /// <summary>Attachments of the messages that have any (one query; none for a page of text).</summary>
    public async Task<Dictionary<Guid, List<MediaView>>> AttachmentsAsync(IEnumerable<Message> messages, CancellationToken ct)
    {
        var ids = messages.Where(m => m.MediaCount > 0 && m.DeletedAt == null).Select(m => m.Id).ToList();
        var result = new Dictionary<Guid, List<MediaView>>();
        if (ids.Count == 0)
        {
            return result;
        }

        var rows = await db.MessageMedia.Where(a => ids.Contains(a.MessageId))
            .Join(db.Media, a => a.MediaId, m => m.Id, (a, m) => new { a.MessageId, a.Position, Media = m })
            .AsNoTracking()
            .ToListAsync(ct);
        foreach (var row in rows.OrderBy(r => r.MessageId).ThenBy(r => r.Position))
        {
            if (!result.TryGetValue(row.MessageId, out var list))
            {
                result[row.MessageId] = list = [];
            }

            list.Add(await MediaViews.ViewAsync(store, row.Media, ct));
        }

        return result;
    }

    public static MessageView View(Message message, Message? replyTo, IReadOnlyList<ReactionCount>? reactions = null, IReadOnlyList<MediaView>? media = null) => new(
        message.Id,
        message.ChatId,
        message.SenderId,
        message.Text,
        replyTo is null ? null : new ReplyPreview(replyTo.Id, replyTo.SenderId, MessageRules.Preview(replyTo.Text)),
        message.ForwardedFromMessageId is { } original
            ? new ForwardedFrom(message.ForwardedFromSenderId!.Value, message.ForwardedFromChatId, original, message.ForwardedFromCreatedAt!.Value)
            : null,
        media ?? [],
        reactions ?? [],
        message.PinnedAt is not null,
        message.EditedAt,
        message.CreatedAt,
        message.Seq,
        message.ClientMessageId,
        Call: ServiceMessages.CallOf(message));
}
