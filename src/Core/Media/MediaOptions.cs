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
