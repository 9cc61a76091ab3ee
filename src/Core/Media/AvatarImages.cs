using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Media;

/// <summary><c>PUT /api/users/me/avatar</c> and <c>PUT /api/chats/{chatId}/avatar</c>: an uploaded image to use.</summary>
public sealed record SetAvatarRequest(Guid? MediaId)
{
    public Problem? Validate() =>
        new Validator().Check(MediaId is { } id && id != Guid.Empty, "mediaId", "The id of an uploaded image is required.").ToProblem();
}

/// <summary>
/// Profile and chat avatars come through the media pipeline (processed, without metadata) and are public: their URL
/// is <c>/api/avatars/{key}</c> with the image's random storage key, which answers with a redirect to a short-lived
/// read URL, for anyone, only while the image is someone's avatar.
/// </summary>
public sealed class AvatarImages(DistaHilarDbContext db, IMediaStore store, MediaCleanup mediaCleanup)
{
    public const string UrlPrefix = "/api/avatars/";

    /// <summary>An image of the caller's that finished processing; 422 while it is still processing.</summary>
    public async Task<Result<MediaAsset>> UsableAsync(Guid ownerId, SetAvatarRequest request, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        var media = await db.Media.AsNoTracking().FirstOrDefaultAsync(m => m.Id == request.MediaId && m.OwnerId == ownerId, ct);
        return media switch
        {
            null or { Kind: not MediaKind.Image } => Problem.Validation("mediaId", "Must be an image you uploaded."),
            { Status: MediaStatus.Failed } => Problem.Validation("mediaId", "The image failed processing."),
            { Status: not MediaStatus.Ready } => Problem.Unprocessable("The image is still being processed; set it once media.updated says it is ready."),
            _ => media,
        };
    }

    /// <summary>
    /// After a profile's or chat's avatar changed from <paramref name="previous"/> to <paramref name="next"/> (in the
    /// same transaction): the new image is kept while it is an avatar, the old one left to the cleanup unless still used.
    /// </summary>
    public async Task ReplacedAsync(Guid? previous, Guid? next, DateTimeOffset now, CancellationToken ct)
    {
        if (next is { } image)
        {
            await mediaCleanup.ClaimAsync([image], ct);
        }

        if (previous is { } old && old != next)
        {
            await mediaCleanup.ReleaseAsync(old, now, ct);
        }
    }

    public static string Url(MediaAsset media)
    {
        ArgumentNullException.ThrowIfNull(media);
        return UrlPrefix + media.StorageKey;
    }

    /// <summary>Where <c>GET /api/avatars/{key}</c> redirects: the 320 px thumbnail, or the image itself with <paramref name="full"/>.</summary>
    public async Task<Result<Uri>> ResolveAsync(string key, bool full, CancellationToken ct)
    {
        if (key.Length is 0 or > 64 || !key.All(char.IsAsciiHexDigitLower))
        {
            return Problem.NotFound("The avatar");
        }

        var media = await db.Media.AsNoTracking()
            .Where(m => m.StorageKey == key && m.Status == MediaStatus.Ready)
            .Where(m => db.Users.Any(u => u.AvatarMediaId == m.Id) || db.Chats.Any(c => c.AvatarMediaId == m.Id))
            .FirstOrDefaultAsync(ct);
        if (media is null)
        {
            return Problem.NotFound("The avatar");
        }

        return !full && media.ThumbnailKey is { } thumbnail
            ? await store.ReadUrlAsync(thumbnail, ImageProcessing.ThumbnailContentType, "avatar.webp", false, ct)
            : await store.ReadUrlAsync(media.StorageKey, media.ContentType ?? "application/octet-stream", media.FileName, false, ct);
    }
}
