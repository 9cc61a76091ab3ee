using System.Text;
using System.Text.Json;
using DistaHilar.Core.Common;
using DistaHilar.Core.Realtime;
using DistaHilar.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Realtime;

/// <summary>
/// The SignalR Service's upstream in serverless mode: connection events and client hub-method invocations. Anonymous
/// to the app's token check, but every request must carry a valid <c>X-ASRS-Signature</c> for its connection id.
/// </summary>
public sealed class UpstreamFunction(SignalRSetup setup, PresenceTracker presence, HubMethods hubMethods)
{
    private const char RecordSeparator = '\u001e';

    private const int MaxInvocationBytes = 64 * 1024;

    [Function("SignalRUpstream")]
    public async Task<Results<Ok, ContentHttpResult, ApiProblem>> Upstream(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "signalr/{category}/{event}")] HttpRequest request,
        string category,
        string @event,
        CancellationToken ct)
    {
        var connectionId = request.Headers["X-ASRS-Connection-Id"].ToString();
        if (setup.Connection is null || !UpstreamSignature.IsValid(request.Headers["X-ASRS-Signature"], connectionId, setup.AccessKeys))
        {
            return new ApiProblem(Problem.Unauthorized("The upstream signature is missing or wrong."));
        }

        if (category == "connections")
        {
            // Presence: several connections per user; online while at least one lives.
            if (@event == "connected" && Guid.TryParse(request.Headers["X-ASRS-User-Id"], out var userId))
            {
                await presence.ConnectedAsync(connectionId, userId, ct);
            }
            else if (@event == "disconnected")
            {
                await presence.DisconnectedAsync(connectionId, ct);
            }

            return TypedResults.Ok();
        }

        if (category != "messages" || request.ContentLength > MaxInvocationBytes)
        {
            return new ApiProblem(Problem.Validation("category", "Only connections and messages (up to 64 KiB) are accepted."));
        }

        string? invocationId;
        string target;
        List<JsonElement> arguments;
        try
        {
            // Read whole (it is small) and checked like any body: arguments are read as text by the hub methods, so
            // broken UTF-8, a lone surrogate or a NUL must be refused here rather than fail there.
            var json = await ReadLimitedAsync(request.Body, ct);
            if (json is null)
            {
                return new ApiProblem(Problem.TooLarge("An invocation may be at most 64 KiB."));
            }

            if (TextInput.CheckJson(json) is { } bad)
            {
                return new ApiProblem(bad);
            }

            using var body = JsonDocument.Parse(json);
            var root = body.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new ApiProblem(Problem.Validation("body", "The invocation must be a JSON object."));
            }

            invocationId = root.TryGetProperty("invocationId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            target = root.TryGetProperty("target", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
            if (!string.Equals(target, @event, StringComparison.Ordinal))
            {
                return new ApiProblem(Problem.Validation("target", "The invocation's target must equal the event."));
            }

            arguments = root.TryGetProperty("arguments", out var args) && args.ValueKind == JsonValueKind.Array
                ? args.EnumerateArray().Select(a => a.Clone()).ToList()
                : [];
        }
        catch (JsonException)
        {
            return new ApiProblem(Problem.Validation("body", "The invocation is not valid JSON."));
        }

        var caller = Guid.TryParse(request.Headers["X-ASRS-User-Id"], out var user) ? user : (Guid?)null;
        var result = await hubMethods.InvokeAsync(target, caller, connectionId, arguments, ct);

        // Fire-and-forget invocations get no answer; the others a completion the client's invoke() resolves with.
        if (invocationId is null)
        {
            return TypedResults.Ok();
        }

        var completion = result.IsSuccess
            ? JsonSerializer.Serialize(new { type = 3, invocationId, result = (object?)null })
            : JsonSerializer.Serialize(new { type = 3, invocationId, error = result.Problem.Title });
        return TypedResults.Text(completion + RecordSeparator, "application/json", Encoding.UTF8);
    }

    /// <summary>The body, or null when it passes the limit (a chunked body has no Content-Length to check first).</summary>
    private static async Task<byte[]?> ReadLimitedAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxInvocationBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
