using DistaHilar.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Media;

/// <summary>
/// The <c>media-processing</c> queue's work: learns what an upload really is from its bytes, checks it is the kind it
/// was declared as, makes it safe to serve (images re-encoded without metadata) and describes it (dimensions,
/// duration, thumbnail or poster, waveform). Idempotent: a job for media already ready or failed does nothing, outputs
/// go to fixed keys, and only the call that moves the status announces it. Files that are not what they claim end in
/// <c>failed</c> at once; anything else (storage, database) throws and the queue retries, then poisons
/// (<see cref="GiveUpAsync"/>).
/// </summary>
public sealed class MediaProcessor(
    DistaHilarDbContext db,
    IMediaStore store,
    Ffmpeg ffmpeg,
    MediaNotifier notifier,
    IOptions<MediaOptions> options,
    TimeProvider time,
    ILogger<MediaProcessor> log)
{
    public const string PoisonQueue = MediaService.Queue + "-poison";

    private static readonly Lock GateLock = new();
    private static SemaphoreSlim? imageGate;

    private sealed record Outcome(string ContentType, long? Size, int? Width, int? Height, int? DurationMs, short[]? Waveform, string? ThumbnailKey);

    public async Task ProcessAsync(MediaJob job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var claimed = await db.Media
            .Where(m => m.Id == job.MediaId && m.CompletedAt != null && (m.Status == MediaStatus.Pending || m.Status == MediaStatus.Processing))
            .ExecuteUpdateAsync(m => m.SetProperty(x => x.Status, MediaStatus.Processing), ct);
        if (claimed == 0)
        {
            return; // done already, failed, deleted, or not complete
        }

        var media = await db.Media.AsNoTracking().FirstAsync(m => m.Id == job.MediaId, ct);
        Outcome outcome;
        try
        {
            outcome = await AnalyseAsync(media, ct);
        }
        catch (MediaRejectedException ex)
        {
            log.LogInformation("Media {MediaId} rejected: {Reason}", media.Id, ex.Message);
            await notifier.FailAsync(media.Id, ex.Message, ct);
            return;
        }

        var now = time.GetUtcNow();
        await notifier.FinishAsync(
            media.Id,
            m => m.SetProperty(x => x.Status, MediaStatus.Ready)
                .SetProperty(x => x.ContentType, outcome.ContentType)
                .SetProperty(x => x.Size, x => outcome.Size ?? x.Size)
                .SetProperty(x => x.Width, outcome.Width)
                .SetProperty(x => x.Height, outcome.Height)
                .SetProperty(x => x.DurationMs, outcome.DurationMs)
                .SetProperty(x => x.Waveform, outcome.Waveform)
                .SetProperty(x => x.ThumbnailKey, outcome.ThumbnailKey)
                .SetProperty(x => x.ProcessedAt, now),
            ct);
    }

    /// <summary>The poison queue's handler: the job failed every attempt, so the media fail (and say so) for good.</summary>
    public Task GiveUpAsync(MediaJob job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        log.LogWarning("Media {MediaId} failed processing on every attempt", job.MediaId);
        return notifier.FailAsync(job.MediaId, "Processing failed; upload the file again.", ct);
    }

    private async Task<Outcome> AnalyseAsync(MediaAsset media, CancellationToken ct)
    {
        if (media.Kind == MediaKind.Image)
        {
            return await ImageAsync(media, ct);
        }

        var sniffed = TypeSniffer.Sniff(await ReadHeadAsync(media.StorageKey, ct));
        var expected = media.Kind switch
        {
            MediaKind.Video => [SniffedCategory.Video],
            MediaKind.Audio or MediaKind.Voice => [SniffedCategory.Audio, SniffedCategory.Video], // WebM/MP4 voice notes
            _ => (SniffedCategory[]?)null,
        };
        Expect(media, sniffed, expected);
        return media.Kind switch
        {
            MediaKind.Video => await VideoAsync(media, sniffed, ct),
            MediaKind.Audio or MediaKind.Voice => await AudioAsync(media, sniffed, ct),
            // Files are never rendered: the sniffed type when known (active markup only as octet-stream), always as an attachment.
            _ => new Outcome(sniffed.ContentType, null, null, null, null, null, null),
        };
    }

    private static void Expect(MediaAsset media, SniffedType sniffed, SniffedCategory[]? expected)
    {
        if (expected is not null && !expected.Contains(sniffed.Category))
        {
            throw new MediaRejectedException($"The file is not {(media.Kind == MediaKind.Image ? "an" : "a")} {media.Kind.Name()} (its content is {sniffed.ContentType}).");
        }
    }

    private async Task<Outcome> ImageAsync(MediaAsset media, CancellationToken ct)
    {
        var gate = Gate(options.Value.ImageConcurrency);
        await gate.WaitAsync(ct);
        try
        {
            // One copy of the file, read once (its size is bounded by the image limit, checked at completion); the
            // codec reads it in place.
            var bytes = new byte[(int)Math.Min(media.Size ?? options.Value.MaxImageBytes, options.Value.MaxImageBytes)];
            int length;
            await using (var source = await store.OpenReadAsync(media.StorageKey, ct))
            {
                length = await source.ReadAtLeastAsync(bytes, bytes.Length, throwOnEndOfStream: false, ct);
            }

            Expect(media, TypeSniffer.Sniff(bytes.AsSpan(0, Math.Min(length, TypeSniffer.HeadLength))), [SniffedCategory.Image]);
            var image = ImageProcessing.Process(new MemoryStream(bytes, 0, length, writable: false), options.Value);
            bytes = null; // the decoded copy is all that is needed from here on
            var thumbnailKey = ThumbnailKey(media);
            await store.WriteAsync(thumbnailKey, new MemoryStream(image.Thumbnail), ImageProcessing.ThumbnailContentType, ct);
            long? size = null;
            if (image.Image is { } clean)
            {
                // Replaces the upload with its clean copy; a retry re-processing the copy gets the same result.
                await store.WriteAsync(media.StorageKey, new MemoryStream(clean), image.ContentType, ct);
                size = clean.Length;
            }

            return new Outcome(image.ContentType, size, image.Width, image.Height, null, null, thumbnailKey);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<Outcome> VideoAsync(MediaAsset media, SniffedType sniffed, CancellationToken ct)
    {
        var (input, demuxer) = await ToolInputAsync(media, sniffed, ct);
        var probe = await ffmpeg.ProbeAsync(input, demuxer, ct);
        if (!probe.HasVideo)
        {
            throw new MediaRejectedException("The file has no video stream.");
        }

        var durationMs = probe.DurationMs ?? await ffmpeg.VideoEndMsAsync(input, demuxer, ct);

        // The poster: a frame a little into the video (the very first is often black), never past its end.
        var at = TimeSpan.FromMilliseconds(Math.Min(1000, (durationMs ?? 0) / 3.0));
        var frame = await ffmpeg.FrameAsync(input, demuxer, at, ct);
        var (thumbnail, _, _) = ImageProcessing.ThumbnailOf(frame);
        var thumbnailKey = ThumbnailKey(media);
        await store.WriteAsync(thumbnailKey, new MemoryStream(thumbnail), ImageProcessing.ThumbnailContentType, ct);
        return new Outcome(sniffed.ContentType, null, probe.Width, probe.Height, durationMs, null, thumbnailKey);
    }

    private async Task<Outcome> AudioAsync(MediaAsset media, SniffedType sniffed, CancellationToken ct)
    {
        var (input, demuxer) = await ToolInputAsync(media, sniffed, ct);
        var probe = await ffmpeg.ProbeAsync(input, demuxer, ct);
        if (!probe.HasAudio)
        {
            throw new MediaRejectedException("The file has no audio stream.");
        }

        var (waveform, decodedMs) = await ffmpeg.WaveformAsync(input, demuxer, ct);
        var contentType = sniffed.Category == SniffedCategory.Video ? sniffed.ContentType.Replace("video/", "audio/", StringComparison.Ordinal) : sniffed.ContentType;
        return new Outcome(contentType, null, null, null, probe.DurationMs ?? decodedMs, waveform, null);
    }

    private async Task<(Uri Input, string Demuxer)> ToolInputAsync(MediaAsset media, SniffedType sniffed, CancellationToken ct)
    {
        var demuxer = Ffmpeg.Demuxer(sniffed.ContentType) ?? throw new MediaRejectedException($"{sniffed.ContentType} is not a supported {media.Kind.Name()} format.");
        return (await store.ReadUrlAsync(media.StorageKey, sniffed.ContentType, media.FileName, attachment: true, ct), demuxer);
    }

    private async Task<byte[]> ReadHeadAsync(string key, CancellationToken ct)
    {
        await using var source = await store.OpenReadAsync(key, ct);
        var head = new byte[TypeSniffer.HeadLength];
        var length = await source.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        return head[..length];
    }

    private static string ThumbnailKey(MediaAsset media) => media.StorageKey + "-thumb";

    private static SemaphoreSlim Gate(int concurrency)
    {
        lock (GateLock)
        {
            return imageGate ??= new SemaphoreSlim(Math.Max(1, concurrency));
        }
    }
}
