using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Realtime;

/// <summary>
/// The SignalR Service data-plane REST API (serverless mode): sends, group membership, existence checks and closing
/// connections. Every 2xx is success; 429 and 5xx are retried with backoff; each attempt is bounded by a timeout.
/// </summary>
public sealed class SignalRService(HttpClient http, SignalRSetup setup, IOptions<SignalROptions> options, TimeProvider time, ILogger<SignalRService> log)
{
    private const string ApiVersion = "2022-11-01";
    private const int Attempts = 4;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public bool IsConfigured => setup.Connection is not null;

    private string Hub => options.Value.Hub.ToLowerInvariant();

    /// <summary>
    /// What negotiate answers: the client URL and a token for <paramref name="userId"/> carrying
    /// <paramref name="claims"/>, valid for the configured lifetime but never past <paramref name="notAfter"/>.
    /// </summary>
    public async Task<NegotiateResponse> NegotiateAsync(string userId, IReadOnlyDictionary<string, string> claims, DateTimeOffset notAfter, CancellationToken ct)
    {
        var connection = Require();
        var url = new Uri(connection.ClientEndpoint, $"client/?hub={Uri.EscapeDataString(Hub)}");
        var lifetimeEnd = time.GetUtcNow() + options.Value.ClientTokenLifetime;
        var expires = lifetimeEnd < notAfter ? lifetimeEnd : notAfter;
        return new NegotiateResponse(url.ToString(), await setup.Tokens!.ForClientAsync(url, userId, claims, expires, ct));
    }

    public Task SendToUserAsync(string userId, string target, object?[] arguments, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"users/{Escape(userId)}/:send", new Invocation(target, arguments), ct);

    public Task SendToGroupAsync(string group, string target, object?[] arguments, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"groups/{Escape(group)}/:send", new Invocation(target, arguments), ct);

    /// <summary>Sends to the group's connections except one (e.g. the sender's own).</summary>
    public Task SendToGroupExceptAsync(string group, string excludedConnectionId, string target, object?[] arguments, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"groups/{Escape(group)}/:send?excluded={Escape(excludedConnectionId)}", new Invocation(target, arguments), ct);

    public Task SendToAllAsync(string target, object?[] arguments, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, ":send", new Invocation(target, arguments), ct);

    public Task SendToConnectionAsync(string connectionId, string target, object?[] arguments, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"connections/{Escape(connectionId)}/:send", new Invocation(target, arguments), ct);

    /// <summary>
    /// The membership persists while the user is offline and applies to their future connections. Without a
    /// <paramref name="ttl"/> the service keeps only a user's newest 100 memberships; with one there is no such cap.
    /// </summary>
    public Task AddUserToGroupAsync(string userId, string group, TimeSpan? ttl, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, $"users/{Escape(userId)}/groups/{Escape(group)}" + (ttl is { } t ? $"?ttl={(long)t.TotalSeconds}" : ""), null, ct);

    public Task RemoveUserFromGroupAsync(string userId, string group, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, $"users/{Escape(userId)}/groups/{Escape(group)}", null, ct);

    public Task RemoveUserFromAllGroupsAsync(string userId, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, $"users/{Escape(userId)}/groups", null, ct);

    public Task CloseUserConnectionsAsync(string userId, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"users/{Escape(userId)}/:closeConnections", null, ct);

    /// <summary>Closes one connection; the service then sends its <c>disconnected</c> upstream event.</summary>
    public Task CloseConnectionAsync(string connectionId, string reason, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, $"connections/{Escape(connectionId)}?reason={Escape(reason)}", null, ct);

    public Task<bool> IsUserConnectedAsync(string userId, CancellationToken ct) => ExistsAsync($"users/{Escape(userId)}", ct);

    /// <summary>Whether the service still has this connection (false once it is gone, e.g. after an outage lost its disconnect event).</summary>
    public Task<bool> IsConnectionAliveAsync(string connectionId, CancellationToken ct) => ExistsAsync($"connections/{Escape(connectionId)}", ct);

    public Task<bool> IsUserInGroupAsync(string userId, string group, CancellationToken ct) =>
        ExistsAsync($"users/{Escape(userId)}/groups/{Escape(group)}", ct);

    /// <summary>The service's own health endpoint; false when unreachable or not 2xx.</summary>
    public async Task<bool> IsHealthyAsync(CancellationToken ct)
    {
        var connection = Require();
        var url = new Uri(connection.ServerEndpoint, $"api/health?api-version={ApiVersion}");
        using var request = new HttpRequestMessage(HttpMethod.Head, url);
        // The service takes the probe without a token, the official emulator answers 401: send one, as on every call.
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await setup.Tokens!.ForRestAsync(url, ct));
        using var response = await http.SendAsync(request, ct);
        return response.IsSuccessStatusCode;
    }

    private async Task<bool> ExistsAsync(string path, CancellationToken ct)
    {
        using var response = await CallAsync(HttpMethod.Head, path, null, ct);
        return response.StatusCode != HttpStatusCode.NotFound && EnsureSuccess(response, path);
    }

    private async Task SendAsync(HttpMethod method, string path, Invocation? body, CancellationToken ct)
    {
        using var response = await CallAsync(method, path, body, ct);
        EnsureSuccess(response, path);
    }

    private async Task<HttpResponseMessage> CallAsync(HttpMethod method, string path, Invocation? body, CancellationToken ct)
    {
        var connection = Require();
        var url = new Uri(connection.ServerEndpoint, $"api/hubs/{Escape(Hub)}/{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}api-version={ApiVersion}");
        for (var attempt = 1; ; attempt++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.Value.RequestTimeout);
            using var request = new HttpRequestMessage(method, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await setup.Tokens!.ForRestAsync(url, ct));
            if (body is not null)
            {
                request.Content = JsonContent.Create(body, options: Json);
            }

            HttpResponseMessage? response = null;
            try
            {
                response = await http.SendAsync(request, timeout.Token);
                if (!Retryable(response.StatusCode) || attempt == Attempts)
                {
                    return response;
                }

                log.LogWarning("SignalR {Method} {Path} answered {Status}; retrying (attempt {Attempt})", method, path, (int)response.StatusCode, attempt);
                response.Dispose();
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested && attempt < Attempts)
            {
                response?.Dispose();
                log.LogWarning("SignalR {Method} {Path} failed: {Error}; retrying (attempt {Attempt})", method, path, ex.Message, attempt);
            }

            // 100 ms, 200 ms, 400 ms: enough to ride out a throttling burst without holding a request for long.
            await Task.Delay(TimeSpan.FromMilliseconds(100 * (1 << (attempt - 1))), time, ct);
        }
    }

    private static bool Retryable(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static bool EnsureSuccess(HttpResponseMessage response, string path) =>
        response.IsSuccessStatusCode ? true : throw new HttpRequestException($"SignalR Service answered {(int)response.StatusCode} to {path}.", null, response.StatusCode);

    private SignalRConnectionString Require() =>
        setup.Connection ?? throw new InvalidOperationException("Realtime is not configured: set SignalR__ConnectionString.");

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private sealed record Invocation(string Target, object?[] Arguments);
}

/// <summary><c>POST /api/negotiate</c>: where the official SignalR clients connect next, and with what token.</summary>
public sealed record NegotiateResponse(string Url, string AccessToken);

/// <summary>The parsed connection string and its token source, or nothing when realtime is not configured.</summary>
public sealed class SignalRSetup
{
    public SignalRSetup(IOptions<SignalROptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Value.ConnectionString))
        {
            return;
        }

        var parsed = SignalRConnectionString.Parse(options.Value.ConnectionString);
        if (!parsed.IsSuccess)
        {
            throw new InvalidOperationException(parsed.Problem.Fields!.Values.Single()[0]);
        }

        if (parsed.Value.AccessKey is { Length: < 16 })
        {
            // HS256 tokens need at least 128 bits of key; Azure's keys are 44 characters.
            throw new InvalidOperationException("The SignalR AccessKey is too short: at least 16 characters are required.");
        }

        if (parsed.Value.AccessKey is null)
        {
            throw new InvalidOperationException($"SignalR AuthType={parsed.Value.AuthType} (Entra ID) is not supported yet; use an AccessKey connection string.");
        }

        Connection = parsed.Value;
        Tokens = new AccessKeyTokens(parsed.Value.AccessKey, time);
        AccessKeys = [parsed.Value.AccessKey];
    }

    public SignalRConnectionString? Connection { get; }

    public IServiceTokens? Tokens { get; }

    /// <summary>Keys an upstream signature may be made with.</summary>
    public IReadOnlyList<string> AccessKeys { get; } = [];
}
