using System.Text.Json;
using DistaHilar.Core.Common;
using Microsoft.AspNetCore.Http;

namespace DistaHilar.Functions.Http;

/// <summary>
/// Reads a JSON request body into a contract: wrong media type 415, oversized 413, malformed or mistyped JSON 400,
/// each as a problem, never an exception that turns into a 500.
/// </summary>
public static class RequestBody
{
    public const long DefaultLimit = 64 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { AllowTrailingCommas = false };

    public static async Task<Result<T>> ReadAsync<T>(HttpRequest request, CancellationToken ct, long limit = DefaultLimit)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
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

            var value = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Json);
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
        if (request.ContentLength is null or 0 && request.Headers.TransferEncoding.Count == 0)
        {
            return (T?)null;
        }

        var body = await ReadAsync<T>(request, ct);
        return body.IsSuccess ? body.Value : body.Problem;
    }
}
