using DistaHilar.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Media;

/// <summary>Media on messages: checking what a sender may attach, and reading attachments for a page of messages.</summary>
public static class MessageAttachments
{
    /// <summary>
    /// The sender's own completed, not failed uploads, in the order given; null when any id is not one. Media still
    /// processing may be attached: the chat gets <c>media.updated</c> when they are ready.
    /// </summary>
    public static async Task<List<MediaAsset>?> AttachableAsync(DistaHilarDbContext db, Guid senderId, IReadOnlyList<Guid> mediaIds, CancellationToken ct)
    {
        var found = await db.Media.AsNoTracking()
            .Where(m => mediaIds.Contains(m.Id) && m.OwnerId == senderId && m.CompletedAt != null && m.Status != MediaStatus.Failed)
            .ToDictionaryAsync(m => m.Id, ct);
        return found.Count == mediaIds.Count ? mediaIds.Select(id => found[id]).ToList() : null;
    }

    /// <summary>The attachment rows of a new message, in the sender's order.</summary>
    public static IEnumerable<MessageMedia> Rows(Guid messageId, IEnumerable<Guid> mediaIds) =>
        mediaIds.Select((id, i) => new MessageMedia { MessageId = messageId, Position = (short)i, MediaId = id });

    public static async Task<List<MediaView>> ViewsAsync(IMediaStore store, IEnumerable<MediaAsset> media, CancellationToken ct)
    {
        var views = new List<MediaView>();
        foreach (var medium in media)
        {
            views.Add(await MediaViews.ViewAsync(store, medium, ct));
        }

        return views;
    }

    /// <summary>Attachments of the messages that have any (one query; none for a page of text).</summary>
    public static async Task<Dictionary<Guid, List<MediaView>>> ForAsync(DistaHilarDbContext db, IMediaStore store, IEnumerable<Message> messages, CancellationToken ct)
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
}
