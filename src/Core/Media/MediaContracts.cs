using DistaHilar.Core.Common;
using DistaHilar.Core.Data;

namespace DistaHilar.Core.Media;

public static class MediaRules
{
    public const int MaxFileName = MediaAsset.MaxFileName;
    public const int MaxContentType = MediaAsset.MaxContentType;

    public static MediaKind? ParseKind(string? kind) => kind switch
    {
        "image" => MediaKind.Image,
        "video" => MediaKind.Video,
        "audio" => MediaKind.Audio,
        "voice" => MediaKind.Voice,
        "file" => MediaKind.File,
        _ => null,
    };

    public static string Name(this MediaKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>
    /// Whether a file declared as <paramref name="contentType"/> can be a <paramref name="kind"/> at all: an image is
    /// image/*, a video video/*, audio and voice audio/* or video/* (WebM and MP4 voice notes) or application/ogg; a
    /// file is anything. What the bytes really are is checked later, when they are processed.
    /// </summary>
    public static bool CanBe(MediaKind kind, string contentType)
    {
        var type = contentType.Split(';', 2)[0].Trim().ToLowerInvariant();
        return kind switch
        {
            MediaKind.Image => type.StartsWith("image/", StringComparison.Ordinal),
            MediaKind.Video => type.StartsWith("video/", StringComparison.Ordinal),
            MediaKind.Audio or MediaKind.Voice => type.StartsWith("audio/", StringComparison.Ordinal) || type.StartsWith("video/", StringComparison.Ordinal) || type == "application/ogg",
            _ => true,
        };
    }

    /// <summary>The 415 for a declared type that cannot be the declared kind (an executable as an image), before anything is written.</summary>
    public static Problem? KindMismatch(MediaKind kind, string contentType) => CanBe(kind, contentType)
        ? null
        : new Problem(
            ProblemKind.UnsupportedMediaType,
            $"A file of type {contentType} cannot be {(kind == MediaKind.Image ? "an" : "a")} {kind.Name()}.",
            new Dictionary<string, string[]> { ["contentType"] = [$"{kind.Name()} needs a matching content type; send other files as kind file."] });

    /// <summary>
    /// The kind of an upload that named none, and the type to store it as: the sniffed bytes decide (an image, a video
    /// or audio by their magic numbers; anything else is a file). The declared type is kept when it fits that kind,
    /// else (absent, or generic like application/octet-stream) the sniffed one is used.
    /// </summary>
    public static (MediaKind Kind, string ContentType) Infer(string? declaredContentType, SniffedType sniffed)
    {
        ArgumentNullException.ThrowIfNull(sniffed);
        var kind = sniffed.Category switch
        {
            SniffedCategory.Image => MediaKind.Image,
            SniffedCategory.Video => MediaKind.Video,
            SniffedCategory.Audio => MediaKind.Audio,
            _ => MediaKind.File,
        };
        return string.IsNullOrEmpty(declaredContentType) || !CanBe(kind, declaredContentType)
            ? (kind, sniffed.ContentType)
            : (kind, declaredContentType);
    }

    public static string Name(this MediaStatus status) => status.ToString().ToLowerInvariant();

    /// <summary>A file name safe to store and to put in a Content-Disposition header: no path, no control characters.</summary>
    public static string SafeFileName(string fileName)
    {
        var name = Path.GetFileName(fileName.Replace('\\', '/'));
        var cleaned = new string(name.Where(c => !char.IsControl(c) && c is not ('"' or '/' or '\\')).ToArray()).Trim();
        return cleaned.Length == 0 ? "file" : cleaned;
    }
}

/// <summary><c>POST /api/media/uploads</c>: what the client is about to upload straight to storage.</summary>
public sealed record CreateUploadRequest(string? FileName, string? ContentType, long? Size, string? Kind)
{
    /// <param name="sizeKnown">False for an upload through the API, whose size is counted as it streams.</param>
    public Problem? Validate(bool sizeKnown = true) => new Validator()
        .Check(FileName is { Length: > 0 and <= MediaRules.MaxFileName } && !FileName.Any(char.IsControl), "fileName", $"A file name of 1 to {MediaRules.MaxFileName} characters without control characters is required.")
        .Check(ContentType is { Length: > 2 and <= MediaRules.MaxContentType } && ContentType.Contains('/', StringComparison.Ordinal) && ContentType.All(c => c is > ' ' and < (char)127 || c == ' '), "contentType", "A media type such as image/jpeg is required.")
        .Check(!sizeKnown || Size is > 0, "size", "The size in bytes is required.")
        .Check(MediaRules.ParseKind(Kind) is not null, "kind", "One of image, video, audio, voice, file.")
        .ToProblem();
}

/// <summary>
/// Where and how to upload: a write-only URL for this one file, valid until <see cref="ExpiresAt"/>. <see cref="Fields"/>
/// is null for a PUT of the bytes (Blob Storage); for a POST (Cloudinary) they are the multipart form fields to send
/// with the bytes as the <c>file</c> part.
/// </summary>
public sealed record UploadTarget(Guid MediaId, Uri UploadUrl, string Method, IReadOnlyDictionary<string, string> Headers, IReadOnlyDictionary<string, string>? Fields, DateTimeOffset ExpiresAt);

/// <summary>
/// <c>GET /api/media/{mediaId}</c> as api.md shapes it, plus why processing failed. URLs are short-lived
/// (Media__ReadUrlLifetime) and only for ready media; after they expire, get the media again.
/// </summary>
public sealed record MediaView(
    Guid Id,
    string Kind,
    string Status,
    Uri? Url,
    Uri? ThumbnailUrl,
    int? Width,
    int? Height,
    int? DurationMs,
    IReadOnlyList<short>? Waveform,
    long? Size,
    string FileName,
    string? FailureReason);

/// <summary>The message on the <c>media-processing</c> queue.</summary>
public sealed record MediaJob(Guid MediaId);
