using DistaHilar.Core.Data;

namespace DistaHilar.Core.Media;

internal static class MediaViews
{
    /// <summary>The view with fresh read URLs (ready media only); files and active content download as attachments.</summary>
    public static async Task<MediaView> ViewAsync(IMediaStore store, MediaAsset media, CancellationToken ct)
    {
        Uri? url = null;
        Uri? thumbnail = null;
        if (media.Status == MediaStatus.Ready)
        {
            var attachment = media.Kind == MediaKind.File;
            url = await store.ReadUrlAsync(media.StorageKey, media.ContentType ?? "application/octet-stream", media.FileName, attachment, ct);
            thumbnail = media.ThumbnailKey is { } key ? await store.ReadUrlAsync(key, ImageProcessing.ThumbnailContentType, "thumbnail.webp", false, ct) : null;
        }

        return new MediaView(media.Id, media.Kind.Name(), media.Status.Name(), url, thumbnail, media.Width, media.Height, media.DurationMs, media.Waveform, media.Size, media.FileName, media.FailureReason);
    }
}
