using System.Text;
using DistaHilar.Core.Common;
using DistaHilar.Core.Media;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace DistaHilar.Functions.Http;

/// <summary>
/// Binds <c>multipart/form-data</c> with a <c>kind</c> field (or <c>?kind=</c>) and a <c>file</c> part, handing the
/// file part's body on as a stream while it arrives: the file is never held in memory or on disk here.
/// </summary>
public static class MultipartUpload
{
    private const int MaxFieldLength = 64;

    public static async Task<Result<T>> ReadAsync<T>(HttpRequest request, Func<CreateUploadRequest, Stream, Task<Result<T>>> store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(store);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !string.Equals(type.MediaType.Value, "multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return new Problem(ProblemKind.UnsupportedMediaType, "The body must be multipart/form-data.");
        }

        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 70)
        {
            return Problem.Validation("body", "The multipart boundary is missing or too long.");
        }

        string? kind = request.Query["kind"];
        var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024, HeadersCountLimit = 16 };
        while (true)
        {
            // Only the reader's own steps are guarded here: a body that is not the multipart it claims (no such
            // boundary, cut off, random bytes) is the client's 400. The file part's bytes are read by the store,
            // which tells a broken body from a storage failure itself (MediaService.UploadAsync).
            MultipartSection? section;
            try
            {
                section = await reader.ReadNextSectionAsync(ct);
            }
            catch (Exception ex) when (IsMalformed(ex, request))
            {
                return Malformed();
            }

            if (section is null)
            {
                break;
            }

            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || disposition is null
                || !string.Equals(disposition.DispositionType.Value, "form-data", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
            if (name == "kind" && !disposition.IsFileDisposition())
            {
                try
                {
                    kind = await ReadFieldAsync(section.Body, ct);
                }
                catch (Exception ex) when (IsMalformed(ex, request))
                {
                    return Malformed();
                }
            }
            else if (name == "file" && disposition.IsFileDisposition())
            {
                var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                return await store(new CreateUploadRequest(fileName, section.ContentType, null, kind), section.Body);
            }
        }

        return Problem.Validation("file", "A file part named \"file\" is required, after the kind field.");
    }

    /// <summary>The multipart reader's failures: bad framing, or the body ending before the closing boundary (not a client that hung up).</summary>
    private static bool IsMalformed(Exception ex, HttpRequest request) =>
        ex is InvalidDataException or IOException && !request.HttpContext.RequestAborted.IsCancellationRequested;

    private static Problem Malformed() => Problem.Validation("body", "The multipart body is malformed (wrong boundary, cut off, or not multipart at all).");

    private static async Task<string?> ReadFieldAsync(Stream body, CancellationToken ct)
    {
        var buffer = new byte[MaxFieldLength + 1];
        var length = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        return length > MaxFieldLength ? null : Encoding.UTF8.GetString(buffer, 0, length);
    }
}
