using System.Text;
using System.Text.Json;
using DistaHilar.Core.Auth;
using DistaHilar.Core.Common;
using DistaHilar.Core.Realtime;
using DistaHilar.Core.Users;
using DistaHilar.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DistaHilar.Functions.Realtime;

/// <summary>
/// The SignalR Service's upstream in serverless mode: connection events and client hub-method invocations. Anonymous
/// to the app's token check, but every request must carry a valid <c>X-ASRS-Signature</c> for its connection id.
/// </summary>
public sealed class UpstreamFunction(SignalRSetup setup, IOptions<SignalROptions> options, PresenceTracker presence, HubMethods hubMethods, RevokedSessions revoked, ILogger<UpstreamFunction> log)
{
    private const char RecordSeparator = '\u001e';
    private const int MaxBodyBytes = 64 * 1024;

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

        if (!UpstreamMessages.IsOurHub(request.Headers["X-ASRS-Hub"], options.Value.Hub))
        {
            return new ApiProblem(Problem.Validation("X-ASRS-Hub", $"This upstream serves the hub '{options.Value.Hub}' only."));
        }

        var body = await ReadAsync(request.Body, ct);
        if (body is null)
        {
            return new ApiProblem(Problem.Validation("body", "An upstream body is at most 64 KiB."));
        }

        if (string.Equals(category, "connections", StringComparison.OrdinalIgnoreCase))
        {
            // Presence: several connections per user; online while at least one lives.
            if (string.Equals(@event, "connected", StringComparison.OrdinalIgnoreCase) && Guid.TryParse(request.Headers["X-ASRS-User-Id"], out var userId))
            {
                await presence.ConnectedAsync(connectionId, userId, UpstreamClaims.SessionId(request.Headers["X-ASRS-User-Claims"]), ct);
            }
            else if (string.Equals(@event, "disconnected", StringComparison.OrdinalIgnoreCase))
            {
                if (UpstreamMessages.ConnectionError(body) is { } error)
                {
                    log.LogInformation("Connection {ConnectionId} closed with an error: {Error}", connectionId, error);
                }

                await presence.DisconnectedAsync(connectionId, ct);
            }

            return TypedResults.Ok();
        }

        if (!string.Equals(category, "messages", StringComparison.OrdinalIgnoreCase))
        {
            return new ApiProblem(Problem.Validation("category", "Only connections and messages are accepted."));
        }

        UpstreamInvocation invocation;
        try
        {
            // Arguments are read as text by the hub methods, so broken UTF-8, a lone surrogate or a NUL is refused
            // here rather than failing there.
            if (TextInput.CheckJson(body) is { } bad)
            {
                return new ApiProblem(bad);
            }

            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new ApiProblem(Problem.Validation("body", "The invocation must be a JSON object."));
            }

            invocation = UpstreamMessages.Invocation(document.RootElement);
        }
        catch (JsonException)
        {
            return new ApiProblem(Problem.Validation("body", "The invocation is not valid JSON."));
        }

        // The service's X-ASRS-Event is the invocation's target; a hub method's name is matched exactly.
        if (!string.Equals(invocation.Target, @event, StringComparison.Ordinal))
        {
            return new ApiProblem(Problem.Validation("target", "The invocation's target must equal the event."));
        }

        // A connection of an ended session is being closed; until it is, it may not act for the user.
        var caller = Guid.TryParse(request.Headers["X-ASRS-User-Id"], out var user)
            && UpstreamClaims.SessionId(request.Headers["X-ASRS-User-Claims"]) is { } session
            && !await revoked.IsRevokedAsync(session, ct) ? user : (Guid?)null;
        var result = await hubMethods.InvokeAsync(invocation.Target, caller, connectionId, invocation.Arguments, ct);

        // Fire-and-forget invocations get no answer; the others a completion the client's invoke() resolves with.
        if (invocation.InvocationId is not { } invocationId)
        {
            return TypedResults.Ok();
        }

        var completion = result.IsSuccess
            ? JsonSerializer.Serialize(new { type = 3, invocationId, result = (object?)null })
            : JsonSerializer.Serialize(new { type = 3, invocationId, error = result.Problem.Title });
        return TypedResults.Text(completion + RecordSeparator, "application/json", Encoding.UTF8);
    }

    /// <summary>The whole body, or null when it is larger than <see cref="MaxBodyBytes"/> (Content-Length may be absent).</summary>
    private static async Task<byte[]?> ReadAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
