namespace DistaHilar.Core.Media;

/// <summary>
/// Where media bytes live (Azure Blob Storage by default). Keys are random and never shown; clients only ever get
/// short-lived URLs for one object: write-once for uploads, read-only for reading.
/// </summary>
public interface IMediaStore
{
    /// <summary>How the client writes this one object straight to storage, once, until the returned time.</summary>
    /// <param name="contentType">The declared type, for stores that take it with the upload (a blob's Content-Type).</param>
    Task<DirectUpload> DirectUploadAsync(string key, string contentType, CancellationToken ct);

    /// <summary>The stored size, or null when nothing is stored under the key.</summary>
    Task<long?> SizeAsync(string key, CancellationToken ct);

    /// <summary>Streams the object (never loads it whole).</summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken ct);

    /// <summary>Stores (or replaces) an object written by the app itself: processed images, thumbnails, API uploads.</summary>
    Task WriteAsync(string key, Stream content, string contentType, CancellationToken ct);

    Task DeleteAsync(string key, CancellationToken ct);

    /// <summary>A short-lived read URL that makes the response carry the given type and disposition.</summary>
    Task<Uri> ReadUrlAsync(string key, string contentType, string fileName, bool attachment, CancellationToken ct);
}

/// <summary>
/// A direct upload as the client performs it: <see cref="Method"/> to <see cref="Url"/> with every header. With
/// <see cref="Fields"/> (a store that takes a multipart form, e.g. Cloudinary) the body is a multipart/form-data POST
/// of these fields plus the bytes as a <c>file</c> part; without them the body is the bytes alone (a blob PUT).
/// </summary>
public sealed record DirectUpload(Uri Url, string Method, IReadOnlyDictionary<string, string> Headers, IReadOnlyDictionary<string, string>? Fields, DateTimeOffset ExpiresAt);
