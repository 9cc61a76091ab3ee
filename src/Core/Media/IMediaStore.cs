namespace DistaHilar.Core.Media;

/// <summary>
/// Where media bytes live (Azure Blob Storage by default). Keys are random and never shown; clients only ever get
/// short-lived URLs for one object: write-once for uploads, read-only for reading.
/// </summary>
public interface IMediaStore
{
    /// <summary>A URL the client can write this one object to, once, until the returned time.</summary>
    Task<(Uri Url, DateTimeOffset ExpiresAt)> UploadUrlAsync(string key, CancellationToken ct);

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
