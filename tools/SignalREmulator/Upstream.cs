using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace DistaHilar.SignalREmulator;

/// <summary>One event for the app: a connection event or a client invocation, as the service posts it.</summary>
internal sealed record UpstreamEvent(string Category, string Event, byte[] Body, string? InvocationId);

/// <summary>The answer to one upstream call: the body when the app answered 2xx, otherwise why it failed.</summary>
internal sealed record UpstreamResult(byte[]? Body, string? Error);

/// <summary>Posts client events to the app's upstream URL, signed the way the service signs them.</summary>
internal sealed class Upstream(string? template, string accessKey, TimeSpan timeout, HubNames hubNames, ILogger log) : IDisposable
{
    private readonly HttpClient http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) }) { Timeout = Timeout.InfiniteTimeSpan };

    public bool Enabled => template is not null;

    public static string Signature(string accessKey, string connectionId) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(accessKey), Encoding.UTF8.GetBytes(connectionId)));

    /// <summary>
    /// Posts one connection's events in order, each after the previous answered, so the app sees them as the client
    /// sent them; every connection has its own loop so one slow call holds up nobody else.
    /// </summary>
    public async Task RunAsync(ClientConnection connection, ChannelReader<UpstreamEvent> events, CancellationToken stopping)
    {
        await foreach (var next in events.ReadAllAsync(CancellationToken.None))
        {
            if (stopping.IsCancellationRequested)
            {
                continue; // drain without posting: the emulator is going away
            }

            var result = await PostAsync(connection.Client, next, stopping);
            if (next.InvocationId is not { } invocationId)
            {
                continue;
            }

            connection.Send(result.Body switch
            {
                null => HubMessages.Completion(invocationId, result.Error),
                var body when Message(body).IsEmpty => HubMessages.Completion(invocationId, null), // 204-style: done, no result
                var body => CompletionOrNull(body) ?? HubMessages.Completion(invocationId, "The upstream answered with something that is not a completion message."),
            });
        }
    }

    public void Dispose() => http.Dispose();

    private async Task<UpstreamResult> PostAsync(NegotiatedClient client, UpstreamEvent e, CancellationToken stopping)
    {
        if (template is null)
        {
            return new UpstreamResult(null, "No upstream is configured for this hub.");
        }

        var hub = hubNames.Upstream(client.Hub);
        var url = template.Replace("{hub}", Uri.EscapeDataString(hub), StringComparison.OrdinalIgnoreCase)
            .Replace("{category}", e.Category, StringComparison.OrdinalIgnoreCase)
            .Replace("{event}", Uri.EscapeDataString(e.Event), StringComparison.OrdinalIgnoreCase);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(e.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("X-ASRS-Connection-Id", client.ConnectionId);
        request.Headers.TryAddWithoutValidation("X-ASRS-Hub", hub);
        request.Headers.TryAddWithoutValidation("X-ASRS-Category", e.Category);
        request.Headers.TryAddWithoutValidation("X-ASRS-Event", e.Event);
        request.Headers.TryAddWithoutValidation("X-ASRS-Signature", Signature(accessKey, client.ConnectionId));
        request.Headers.TryAddWithoutValidation("X-ASRS-User-Claims", string.Join(", ", client.Claims.Select(c => $"{c.Key}: {c.Value}")));
        request.Headers.TryAddWithoutValidation("X-ASRS-Client-Query", client.ClientQuery);
        if (client.UserId is { } user)
        {
            request.Headers.TryAddWithoutValidation("X-ASRS-User-Id", user);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await http.SendAsync(request, deadline.Token);
            var body = await response.Content.ReadAsByteArrayAsync(deadline.Token);
            if (response.IsSuccessStatusCode)
            {
                return new UpstreamResult(body, null);
            }

            log.LogWarning("Upstream {Category}/{Event} for {Connection} answered {Status}", e.Category, e.Event, client.ConnectionId, (int)response.StatusCode);
            return new UpstreamResult(null, $"The upstream answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            log.LogWarning("Upstream {Category}/{Event} for {Connection} failed: {Error}", e.Category, e.Event, client.ConnectionId, ex.Message);
            return new UpstreamResult(null, ex is OperationCanceledException ? "The upstream did not answer in time." : "The upstream could not be reached: " + ex.Message);
        }
    }

    private static ReadOnlySpan<byte> Message(byte[] body) =>
        body.AsSpan().Trim(" \r\n\t"u8).TrimEnd(ClientConnection.Separator).Trim(" \r\n\t"u8);

    /// <summary>The app's completion message, framed and forwarded as it is; null when the body is not one.</summary>
    private static byte[]? CompletionOrNull(byte[] body)
    {
        var message = Message(body);
        try
        {
            var reader = new System.Text.Json.Utf8JsonReader(message);
            using var doc = System.Text.Json.JsonDocument.ParseValue(ref reader);
            return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && doc.RootElement.TryGetProperty("type", out var type) && type.TryGetInt32(out var t) && t == 3
                ? HubMessages.Frame(message)
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
