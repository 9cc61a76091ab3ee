using System.Text.Json;
using DistaHilar.Core.Common;
using Microsoft.AspNetCore.Http;

namespace DistaHilar.Functions.Http;

/// <summary>
/// Reads a JSON request body into a contract: wrong media type 415, oversized 413, malformed or mistyped JSON,
/// broken UTF-8, lone surrogates and control characters 400, each as a problem, never an exception that turns into a
/// 500. No body at all reads as <c>{}</c>, so the contract names the fields it requires (a request without content
/// has no media type to check). Timestamps are read as UTC.
/// </summary>
public static class RequestBody
{
    public const long DefaultLimit = 64 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        AllowTrailingCommas = false,
        Converters = { new UtcDateTimeOffsetConverter() },
    };

    public static async Task<Result<T>> ReadAsync<T>(HttpRequest request, CancellationToken ct, long limit = DefaultLimit)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!HasBody(request))
        {
            return Deserialize<T>("{}"u8);
        }

        if (!request.HasJsonContentType())
        {
            return new Problem(ProblemKind.UnsupportedMediaType, "The body must be application/json.");
        }

        if (request.ContentLength > limit)
        {
            return new Problem(ProblemKind.TooLarge, $"The body may be at most {limit / 1024} KiB.");
        }

        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[8192];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return new Problem(ProblemKind.TooLarge, $"The body may be at most {limit / 1024} KiB.");
                }

                buffer.Write(chunk, 0, read);
            }

            var json = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
            return TextInput.CheckJson(json) is { } bad ? bad : Deserialize<T>(json);
        }
        catch (BadHttpRequestException ex)
        {
            // The server gave up on the body (sent too slowly, cut off, over its own limit): the client's fault.
            return ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? new Problem(ProblemKind.TooLarge, $"The body may be at most {limit / 1024} KiB.")
                : Problem.Validation("body", "The body could not be read.");
        }
    }

    private static bool HasBody(HttpRequest request) => request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static Result<T> Deserialize<T>(ReadOnlySpan<byte> json)
        where T : class
    {
        try
        {
            var value = JsonSerializer.Deserialize<T>(json, Json);
            return value is null ? Problem.Validation("body", "A JSON object is required.") : value;
        }
        catch (JsonException ex)
        {
            return Problem.Validation(string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "body" : ex.Path.TrimStart('$', '.'), "The body is not valid JSON for this request.");
        }
    }

    /// <summary>Reads the body only if the client sent one (for routes whose body is optional).</summary>
    public static async Task<Result<T?>> ReadOptionalAsync<T>(HttpRequest request, CancellationToken ct)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!HasBody(request))
        {
            return (T?)null;
        }

        var body = await ReadAsync<T>(request, ct);
        return body.IsSuccess ? body.Value : body.Problem;
    }
}
