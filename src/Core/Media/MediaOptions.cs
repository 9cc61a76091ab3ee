using DistaHilar.Core.Data;

namespace DistaHilar.Core.Media;

/// <summary>App settings <c>Media__*</c>.</summary>
public sealed class MediaOptions
{
    public const string Section = "Media";

    public long MaxImageBytes { get; set; } = 10L * 1024 * 1024;

    public long MaxVideoBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Voice notes and audio.</summary>
    public long MaxAudioBytes { get; set; } = 50L * 1024 * 1024;

    public long MaxFileBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Images are re-encoded to at most this many pixels on the long side (send originals as files).</summary>
    public int MaxImageDimension { get; set; } = 2560;

    /// <summary>
    /// The most pixels an image may decode to (a JPEG decodes at up to 1/8 scale, so larger photos pass); more is
    /// refused from the header alone, before any memory is taken.
    /// </summary>
    public long MaxImagePixels { get; set; } = 25_000_000;

    /// <summary>
    /// How many images one worker decodes at once (each takes up to 4 bytes per decoded pixel): half the cores, at
    /// least one — on 2 cores two at once took the worker past 300 MiB for 20 % more photos per second.
    /// </summary>
    public int ImageConcurrency { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>ffmpeg and ffprobe: on PATH by default (Debian's package locally; bundle them when deploying).</summary>
    public string FfmpegPath { get; set; } = "ffmpeg";

    public string FfprobePath { get; set; } = "ffprobe";

    /// <summary>The longest one ffprobe/ffmpeg run may take before it is killed.</summary>
    public TimeSpan ToolTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Uploads not attached to a message within this time are removed.</summary>
    public TimeSpan UnattachedLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The largest file <c>POST /api/media</c> (multipart through the API) takes; larger ones use direct uploads.</summary>
    public long MaxApiUploadBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>
    /// The most bytes of media one user may keep (everything they uploaded that is not failed or removed, uploads not
    /// yet complete at their declared size); an upload beyond it is refused with a 413.
    /// </summary>
    public long StorageQuotaBytes { get; set; } = 10L * 1024 * 1024 * 1024;

    /// <summary>How long a direct-upload URL can be used.</summary>
    public TimeSpan UploadUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a read URL handed to a client works.</summary>
    public TimeSpan ReadUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The blob container of uploads (created on first use).</summary>
    public string Container { get; set; } = "media";

    public long MaxBytes(MediaKind kind) => kind switch
    {
        MediaKind.Image => MaxImageBytes,
        MediaKind.Video => MaxVideoBytes,
        MediaKind.Audio or MediaKind.Voice => MaxAudioBytes,
        _ => MaxFileBytes,
    };
}
