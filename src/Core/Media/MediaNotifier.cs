using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace DistaHilar.Core.Media;

/// <summary>
/// Ends processing: moves the status once (only from pending/processing) and, in the same transaction, records
/// <c>media.updated</c> for the uploader and for every chat with a live message that uses the media.
/// </summary>
public sealed class MediaNotifier(DistaHilarDbContext db, WritePipeline pipeline, IMediaStore store, RealtimeEvents events, TimeProvider time)
{
    public const string Updated = "media.updated";

    public Task FailAsync(Guid mediaId, string reason, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var shortReason = reason.Length <= 200 ? reason : reason[..199] + "…";
        return FinishAsync(
            mediaId,
            m => m.SetProperty(x => x.Status, MediaStatus.Failed).SetProperty(x => x.FailureReason, shortReason).SetProperty(x => x.ProcessedAt, now),
            ct);
    }

    public Task FinishAsync(Guid mediaId, Action<UpdateSettersBuilder<MediaAsset>> set, CancellationToken ct) => pipeline.RunAsync<Done>(
        async () =>
        {
            var changed = await db.Media
                .Where(m => m.Id == mediaId && m.CompletedAt != null && (m.Status == MediaStatus.Pending || m.Status == MediaStatus.Processing))
                .ExecuteUpdateAsync(set, ct);
            if (changed == 0)
            {
                return Done.Value; // another delivery finished it first
            }

            var media = await db.Media.AsNoTracking().FirstAsync(m => m.Id == mediaId, ct);
            var view = await MediaViews.ViewAsync(store, media, ct);
            events.ToUser(media.OwnerId, Updated, view);
            var chatIds = await db.MessageMedia.Where(a => a.MediaId == mediaId)
                .Join(db.Messages.Where(m => m.DeletedAt == null), a => a.MessageId, m => m.Id, (a, m) => m.ChatId)
                .Distinct()
                .OrderBy(id => id) // one lock order for chat rows
                .ToListAsync(ct);
            foreach (var chatId in chatIds)
            {
                var (seq, _) = await db.NextSeqAsync(chatId, 0, ct);
                events.ToChat(chatId, seq, Updated, view);
            }

            return Done.Value;
        },
        ct);
}
