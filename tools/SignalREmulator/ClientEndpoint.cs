using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace DistaHilar.SignalREmulator;

/// <summary>
/// The client side: negotiate at <c>/client/negotiate</c>, then a WebSocket at <c>/client/?id=&lt;connectionToken&gt;</c>
/// speaking the JSON hub protocol; client events go upstream, one ordered queue per connection.
/// </summary>
internal sealed class ClientEndpoint(Auth auth, Registry registry, Upstream upstream, HubNames hubNames, EmulatorOptions options, ILogger log)
{
    private const string NameIdentifierClaim = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier";
    private static readonly TimeSpan NegotiationLifetime = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, NegotiatedClient> negotiated = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, bool> sessions = new();
    private readonly TimeProvider time = options.TimeProvider;

    /// <summary>Completes when every session has ended and posted its disconnect event (or dropped it at stop).</summary>
    public Task Sessions => Task.WhenAll(sessions.Keys);

    public async Task NegotiateAsync(HttpContext context)
    {
        var requestedHub = context.Request.Query["hub"].ToString();
        var hub = requestedHub.ToLowerInvariant();
        if (hub.Length == 0)
        {
            await Problem(context, StatusCodes.Status400BadRequest, "The hub query parameter is required.");
            return;
        }

        if (auth.ValidateClient(context.Request) is not { } token)
        {
            await Problem(context, StatusCodes.Status401Unauthorized, "The access token is missing, invalid, expired or for another URL.");
            return;
        }

        Prune();
        var version = int.TryParse(context.Request.Query["negotiateVersion"], out var v) ? v : 0;
        var connectionId = NewId(16);
        var client = new NegotiatedClient(
            connectionId,
            version >= 1 ? NewId(32) : connectionId,
            hub,
            requestedHub,
            token.Find("nameid", "sub", NameIdentifierClaim),
            token.Claims,
            ClientQuery(context.Request),
            time.GetTimestamp());
        negotiated[client.ConnectionToken] = client;

        await context.Response.WriteAsJsonAsync(new NegotiateResponse(
            client.ConnectionId,
            version >= 1 ? client.ConnectionToken : null,
            Math.Min(version, 1),
            [new AvailableTransport("WebSockets", ["Text", "Binary"])]));
    }

    public async Task ConnectAsync(HttpContext context, CancellationToken stopping)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await Problem(context, StatusCodes.Status400BadRequest, "Only the WebSockets transport is offered.");
            return;
        }

        var id = context.Request.Query["id"].ToString();
        if (!negotiated.TryRemove(id, out var client) || !string.Equals(client.Hub, context.Request.Query["hub"].ToString(), StringComparison.OrdinalIgnoreCase))
        {
            await Problem(context, StatusCodes.Status404NotFound, "No negotiated connection has this id: negotiate first.");
            return;
        }

        if (auth.ValidateClient(context.Request) is not { } token || token.Find("nameid", "sub", NameIdentifierClaim) != client.UserId)
        {
            await Problem(context, StatusCodes.Status401Unauthorized, "The access token is missing, invalid or for another user.");
            return;
        }

        var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var connection = new ClientConnection(socket, client, options.MaxQueuedMessages, time);
        var session = RunSessionAsync(connection, stopping);
        sessions[session] = true;
        try
        {
            await session;
        }
        finally
        {
            sessions.TryRemove(session, out _);
        }
    }

    private async Task RunSessionAsync(ClientConnection connection, CancellationToken stopping)
    {
        using var handshakeDeadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        handshakeDeadline.CancelAfter(TimeSpan.FromSeconds(15));
        try
        {
            var refusal = Handshake(await connection.ReadHandshakeAsync(handshakeDeadline.Token));
            await connection.SendNowAsync(refusal is null ? HubMessages.HandshakeOk : HubMessages.HandshakeError(refusal), handshakeDeadline.Token);
            if (refusal is not null)
            {
                log.LogInformation("Refused the handshake of {Connection}: {Reason}", connection.Id, refusal);
                connection.Close(null, notify: false);
                await connection.RunAsync(_ => { }, options.KeepAliveInterval, options.ClientTimeout, stopping);
                return;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or System.Net.WebSockets.WebSocketException)
        {
            return;
        }

        var events = Channel.CreateBounded<UpstreamEvent>(new BoundedChannelOptions(options.MaxQueuedMessages) { SingleReader = true });
        registry.Add(connection);
        hubNames.Connected(connection.Client.RequestedHub);
        log.LogInformation("Connected {Connection} (hub {Hub}, user {User})", connection.Id, connection.Hub, connection.UserId);
        events.Writer.TryWrite(new UpstreamEvent("connections", "connected", """{"type":10}"""u8.ToArray(), null));
        var posting = Task.Run(() => upstream.RunAsync(connection, events.Reader, stopping), CancellationToken.None);

        var error = await connection.RunAsync(message => OnMessage(connection, events.Writer, message), options.KeepAliveInterval, options.ClientTimeout, stopping);

        registry.Remove(connection);
        log.LogInformation("Disconnected {Connection}{Error}", connection.Id, error is null ? "" : ": " + error);
        // The official service capitalises this body's keys (not the connected one's): apps must read them case-insensitively.
        var disconnected = error is null ? """{"Type":11}"""u8.ToArray() : JsonSerializer.SerializeToUtf8Bytes(new { Type = 11, Error = error });
        events.Writer.TryWrite(new UpstreamEvent("connections", "disconnected", disconnected, null));
        events.Writer.TryComplete();
        await posting;
    }

    private void OnMessage(ClientConnection connection, ChannelWriter<UpstreamEvent> events, ReadOnlyMemory<byte> message)
    {
        int type;
        string? invocationId = null;
        string? target = null;
        try
        {
            using var doc = JsonDocument.Parse(message);
            var root = doc.RootElement;
            type = root.GetProperty("type").GetInt32();
            if (root.TryGetProperty("invocationId", out var id) && id.ValueKind == JsonValueKind.String)
            {
                invocationId = id.GetString();
            }

            if (root.TryGetProperty("target", out var t) && t.ValueKind == JsonValueKind.String)
            {
                target = t.GetString();
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            connection.Close("The connection sent a message that is not valid JSON hub protocol.");
            return;
        }

        switch (type)
        {
            case 1 when string.IsNullOrEmpty(target):
                connection.Close("An invocation has no target.");
                break;
            case 1 when !upstream.Enabled:
                if (invocationId is not null)
                {
                    connection.Send(HubMessages.Completion(invocationId, "No upstream is configured: the service cannot invoke hub methods."));
                }

                break;
            case 1:
                if (!events.TryWrite(new UpstreamEvent("messages", target!, message.ToArray(), invocationId)))
                {
                    connection.Abort("The client sent invocations faster than the upstream takes them.");
                }

                break;
            case 4 when invocationId is not null:
                connection.Send(HubMessages.Completion(invocationId, "Streaming invocations are not supported in serverless mode."));
                break;
            case 7:
                connection.Close(null, notify: false);
                break;
            default:
                break; // pings, cancellations, stream items and client results need nothing here
        }
    }

    /// <summary>Null when the handshake is acceptable, otherwise the error to answer with.</summary>
    private static string? Handshake(byte[]? request)
    {
        if (request is null)
        {
            return "No handshake was received.";
        }

        try
        {
            using var doc = JsonDocument.Parse(request);
            var protocol = doc.RootElement.GetProperty("protocol").GetString();
            var version = doc.RootElement.GetProperty("version").GetInt32();
            return protocol != "json" ? $"The protocol '{protocol}' is not supported: only json is."
                : version != 1 ? $"The requested 'json' protocol version {version} is not supported."
                : null;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return "The handshake request is not valid JSON.";
        }
    }

    private static string ClientQuery(HttpRequest request) =>
        QueryHelpers.AddQueryString("", request.Query.Where(q => q.Key is not ("access_token" or "negotiateVersion" or "id"))).TrimStart('?');

    private static string NewId(int bytes) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static Task Problem(HttpContext context, int status, string error)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorResponse(error));
    }

    /// <summary>Negotiations never followed by a WebSocket would otherwise pile up.</summary>
    private void Prune()
    {
        foreach (var (token, client) in negotiated)
        {
            if (time.GetElapsedTime(client.CreatedAt) > NegotiationLifetime)
            {
                negotiated.TryRemove(token, out _);
            }
        }
    }
}

internal sealed record NegotiateResponse(string ConnectionId, string? ConnectionToken, int NegotiateVersion, IReadOnlyList<AvailableTransport> AvailableTransports);

internal sealed record AvailableTransport(string Transport, IReadOnlyList<string> TransferFormats);

internal sealed record ErrorResponse(string Error);
