using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using DistaHilar.SignalREmulator;
using DistaHilar.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Emulator = DistaHilar.SignalREmulator.SignalREmulator;

namespace DistaHilar.Tests.Realtime;

/// <summary>
/// The local SignalR Service against the official .NET client: REST sends and groups, tokens, upstream events and
/// invocations. Each test gets its own emulator and a recording upstream, both on free ports.
/// </summary>
public sealed class EmulatorTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly ConcurrentQueue<UpstreamCall> upstreamCalls = new();
    private readonly List<HubConnection> connections = [];
    private readonly HttpClient http = new();
    private readonly TaskCompletionSource releaseSlow = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication upstream = null!;
    private Emulator emulator = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        upstream = await StartUpstreamAsync();
        emulator = await Emulator.StartAsync(new EmulatorOptions { UpstreamUrlTemplate = upstream.Urls.First() + "/api/signalr/{category}/{event}" }, Ct);
    }

    public async ValueTask DisposeAsync()
    {
        releaseSlow.TrySetResult();
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }

        await emulator.DisposeAsync();
        await upstream.DisposeAsync();
        http.Dispose();
    }

    [Fact]
    public void Connection_string_names_the_local_endpoint_port_and_key()
    {
        Assert.Equal($"Endpoint=http://127.0.0.1;Port={emulator.Endpoint.Port};AccessKey={emulator.AccessKey};Version=1.0;", emulator.ConnectionString);
        Assert.Equal("127.0.0.1", emulator.Endpoint.Host);
    }

    [Fact]
    public async Task Send_to_user_reaches_every_connection_of_that_user_and_nobody_else()
    {
        var (alice1, alice2, bob) = (await ConnectAsync("alice"), await ConnectAsync("alice"), await ConnectAsync("bob"));

        Assert.Equal(HttpStatusCode.Accepted, await SendAsync("api/hubs/chat/users/alice/:send?api-version=2022-11-01", "for alice"));

        Assert.Equal("for alice", await alice1.NextAsync());
        Assert.Equal("for alice", await alice2.NextAsync());
        await AssertNothingElseReachedAsync(bob);
    }

    [Fact]
    public async Task User_added_to_a_group_while_offline_gets_its_messages_once_connected()
    {
        Assert.Equal(HttpStatusCode.OK, await CallAsync(HttpMethod.Put, "api/hubs/chat/users/carol/groups/chat%2F42?api-version=2022-11-01"));
        Assert.Equal(HttpStatusCode.OK, await CallAsync(HttpMethod.Head, "api/hubs/chat/users/carol/groups/chat%2F42?api-version=2022-11-01"));
        Assert.Equal(HttpStatusCode.NotFound, await CallAsync(HttpMethod.Head, "api/hubs/chat/users/carol?api-version=2022-11-01"));

        var carol = await ConnectAsync("carol");
        var dave = await ConnectAsync("dave");
        Assert.Equal(HttpStatusCode.OK, await CallAsync(HttpMethod.Head, "api/hubs/chat/users/carol?api-version=2022-11-01"));
        Assert.Equal(HttpStatusCode.Accepted, await SendAsync("api/hubs/chat/groups/chat%2F42/:send?api-version=2022-11-01", "to the group"));

        Assert.Equal("to the group", await carol.NextAsync());
        await AssertNothingElseReachedAsync(dave);

        // Removing the membership stops delivery to the user's live connection too.
        Assert.Equal(HttpStatusCode.OK, await CallAsync(HttpMethod.Delete, "api/hubs/chat/users/carol/groups/chat%2F42?api-version=2022-11-01"));
        Assert.Equal(HttpStatusCode.NotFound, await CallAsync(HttpMethod.Head, "api/hubs/chat/users/carol/groups/chat%2F42?api-version=2022-11-01"));
        Assert.Equal(HttpStatusCode.Accepted, await SendAsync("api/hubs/chat/groups/chat%2F42/:send?api-version=2022-11-01", "after leaving"));
        await AssertNothingElseReachedAsync(carol);
    }

    [Fact]
    public async Task User_added_to_a_group_while_connected_gets_its_messages_on_the_open_connection()
    {
        var erin = await ConnectAsync("erin");

        Assert.Equal(HttpStatusCode.OK, await CallAsync(HttpMethod.Put, "api/v1/hubs/chat/users/erin/groups/room?ttl=60"));
        Assert.Equal(HttpStatusCode.Accepted, await SendAsync("api/v1/hubs/chat/groups/room", "v1 group send"));

        Assert.Equal("v1 group send", await erin.NextAsync());
    }

    [Fact]
    public async Task Connection_group_membership_can_be_added_and_removed()
    {
        var frank = await ConnectAsync("frank");
        var group = "api/hubs/chat/groups/lobby/connections/" + frank.Connection.ConnectionId + "?api-version=2022-11-01";

        Assert.Equal(HttpStatusCode.NotFound, await CallAsync(HttpMethod.Put, "api/hubs/chat/groups/lobby/connections/nobody?api-version=2022-11-01"));
        Assert.Equal(HttpStatusCode.OK, await CallAsync(HttpMethod.Put, group));
        Assert.Equal(HttpStatusCode.Accepted, await SendAsync("api/hubs/chat/groups/lobby/:send?api-version=2022-11-01", "in the lobby"));
        Assert.Equal("in the lobby", await frank.NextAsync());

        Assert.Equal(HttpStatusCode.OK, await CallAsync(HttpMethod.Delete, group));
        Assert.Equal(HttpStatusCode.Accepted, await SendAsync("api/hubs/chat/groups/lobby/:send?api-version=2022-11-01", "after leaving"));
        await AssertNothingElseReachedAsync(frank);
    }

    [Fact]
    public async Task Send_to_all_reaches_everyone_but_the_excluded_connection()
    {
        var (gina, hugo) = (await ConnectAsync("gina"), await ConnectAsync("hugo"));
        Assert.Equal(HttpStatusCode.Accepted, await SendAsync("api/hubs/chat/:send?api-version=2022-11-01", "everyone"));
        Assert.Equal("everyone", await gina.NextAsync());
        Assert.Equal("everyone", await hugo.NextAsync());

        Assert.Equal(HttpStatusCode.OK, await CallAsync(HttpMethod.Put, "api/hubs/chat/users/gina/groups/g?api-version=2022-11-01"));
        Assert.Equal(HttpStatusCode.OK, await CallAsync(HttpMethod.Put, "api/hubs/chat/users/hugo/groups/g?api-version=2022-11-01"));
        Assert.Equal(HttpStatusCode.Accepted, await SendAsync($"api/hubs/chat/groups/g/:send?api-version=2022-11-01&excluded={gina.Connection.ConnectionId}", "not gina"));

        Assert.Equal("not gina", await hugo.NextAsync());
        await AssertNothingElseReachedAsync(gina);
    }

    [Fact]
    public async Task Rest_calls_need_a_token_for_their_own_url_signed_with_the_access_key()
    {
        var url = new Uri(emulator.Endpoint, "api/hubs/chat/:send?api-version=2022-11-01");
        var otherUrl = new Uri(emulator.Endpoint, "api/hubs/other/:send");
        var wrongTokens = new[]
        {
            null,
            EmulatorTokens.ForRest("another key", url, TimeSpan.FromMinutes(5)),
            EmulatorTokens.ForRest(emulator.AccessKey, otherUrl, TimeSpan.FromMinutes(5)),
            EmulatorTokens.ForRest(emulator.AccessKey, url, TimeSpan.FromMinutes(-5)),
        };

        foreach (var token in wrongTokens)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(url.PathAndQuery.TrimStart('/'), "x", token ?? ""));
        }

        Assert.Equal(HttpStatusCode.Accepted, await SendAsync(url.PathAndQuery.TrimStart('/'), "x"));
    }

    [Fact]
    public async Task Bad_requests_get_the_service_status_codes()
    {
        const string send = "api/hubs/chat/:send?api-version=2022-11-01";

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri(emulator.Endpoint, "api/health")), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await CallAsync(HttpMethod.Head, "api/health?api-version=2022-11-01"));
        Assert.Equal(HttpStatusCode.NotFound, await CallAsync(HttpMethod.Get, "api/nothing/here"));
        Assert.Equal(HttpStatusCode.BadRequest, await CallAsync(HttpMethod.Post, send, new StringContent("{not json", Encoding.UTF8, "application/json")));
        Assert.Equal(HttpStatusCode.BadRequest, await CallAsync(HttpMethod.Post, send, new StringContent("""{"arguments":[]}""", Encoding.UTF8, "application/json")));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, await CallAsync(HttpMethod.Post, send, new StringContent("""{"target":"m","arguments":[]}""", Encoding.UTF8, "text/plain")));
        var huge = JsonSerializer.Serialize(new { target = "m", arguments = new[] { new string('x', 1_100_000) } });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await CallAsync(HttpMethod.Post, send, new StringContent(huge, Encoding.UTF8, "application/json")));
    }

    [Fact]
    public async Task Rest_calls_are_counted_by_kind_whatever_their_spelling()
    {
        var before = emulator.RestCalls;

        await SendAsync("api/hubs/chat/groups/g/:send?api-version=2022-11-01", "to the group");
        await SendAsync("api/v1/hubs/chat/groups/g", "to the group, v1");
        await SendAsync("api/hubs/chat/users/ann/:send?api-version=2022-11-01", "to ann");
        await CallAsync(HttpMethod.Put, "api/hubs/chat/users/ann/groups/g?api-version=2022-11-01");
        await CallAsync(HttpMethod.Head, "api/v1/hubs/chat/groups/g/users/ann");
        await CallAsync(HttpMethod.Delete, "api/hubs/chat/users/ann/groups?api-version=2022-11-01");
        await CallAsync(HttpMethod.Put, "api/hubs/chat/groups/g/connections/nobody?api-version=2022-11-01");
        await SendAsync("api/hubs/chat/:send?api-version=2022-11-01", "to everyone");
        await CallAsync(HttpMethod.Head, "api/hubs/chat/groups/g?api-version=2022-11-01");
        await CallAsync(HttpMethod.Post, "api/hubs/chat/groups/g/:send?api-version=2022-11-01", token: "not a token");

        Assert.Equal(new RestCalls(SendToGroup: 3, SendToUser: 1, GroupMembership: 4, Other: 2), emulator.RestCalls.Since(before));
    }

    [Fact]
    public async Task Upstream_hears_connected_and_disconnected_with_a_valid_signature()
    {
        var ivan = await ConnectAsync("ivan");
        var id = ivan.Connection.ConnectionId!;

        var connected = await UpstreamCallAsync(c => c.Category == "connections" && c.Event == "connected" && c.Header("X-ASRS-Connection-Id") == id);
        await ivan.Connection.StopAsync(Ct);
        var disconnected = await UpstreamCallAsync(c => c.Category == "connections" && c.Event == "disconnected" && c.Header("X-ASRS-Connection-Id") == id);

        var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(emulator.AccessKey), Encoding.UTF8.GetBytes(id)));
        foreach (var call in new[] { connected, disconnected })
        {
            Assert.Equal(signature, call.Header("X-ASRS-Signature"));
            Assert.Equal("Chat", call.Header("X-ASRS-Hub")); // as the first client spelled it
            Assert.Equal("ivan", call.Header("X-ASRS-User-Id"));
            Assert.Equal("connections", call.Header("X-ASRS-Category"));
            Assert.StartsWith("application/json", call.Header("Content-Type"), StringComparison.Ordinal);
        }

        Assert.Equal(10, JsonDocument.Parse(connected.Body).RootElement.GetProperty("type").GetInt32());
        // Capitalised, as the official emulator writes it.
        Assert.Equal(11, JsonDocument.Parse(disconnected.Body).RootElement.EnumerateObject().Single(p => p.Name == "Type").Value.GetInt32());
        Assert.DoesNotContain("\"type\"", disconnected.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, await CallAsync(HttpMethod.Head, $"api/hubs/chat/connections/{id}?api-version=2022-11-01"));
    }

    [Fact]
    public async Task The_hub_goes_upstream_as_its_first_client_spelled_it_and_matches_in_any_casing()
    {
        var first = await ConnectAsync("uma", hub: "Chat");
        var second = await ConnectAsync("vic", hub: "chat");

        var call = await UpstreamCallAsync(c => c.Event == "connected" && c.Header("X-ASRS-User-Id") == "vic");
        Assert.Equal("Chat", call.Header("X-ASRS-Hub"));
        Assert.Equal(HttpStatusCode.Accepted, await SendAsync("api/hubs/CHAT/:send?api-version=2022-11-01", "to both"));
        Assert.Equal("to both", await first.NextAsync());
        Assert.Equal("to both", await second.NextAsync());
    }

    [Fact]
    public async Task A_connection_closed_for_an_error_is_reported_upstream_with_capitalised_keys()
    {
        var (socket, connectionId) = await RawConnectAsync(emulator, "walt");
        using (socket)
        {
            Assert.Equal("{}", await HandshakeAsync(socket, """{"protocol":"json","version":1}"""));
            await socket.SendAsync(Encoding.UTF8.GetBytes("{not json\u001e"), WebSocketMessageType.Text, true, Ct);

            var call = await UpstreamCallAsync(c => c.Event == "disconnected" && c.Header("X-ASRS-Connection-Id") == connectionId);
            using var body = JsonDocument.Parse(call.Body);
            Assert.Equal(["Type", "Error"], body.RootElement.EnumerateObject().Select(p => p.Name));
            Assert.Equal(11, body.RootElement.GetProperty("Type").GetInt32());
            Assert.Contains("not valid JSON", body.RootElement.GetProperty("Error").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Client_invocation_goes_upstream_and_the_client_gets_its_completion()
    {
        var judy = await ConnectAsync("judy");

        var result = await judy.Connection.InvokeAsync<string>("typing", "chat-7", Ct);

        Assert.Equal("typing in chat-7", result);
        var call = await UpstreamCallAsync(c => c.Category == "messages" && c.Event == "typing");
        Assert.Equal("typing", call.Header("X-ASRS-Event"));
        Assert.Equal("judy", call.Header("X-ASRS-User-Id"));
        using var body = JsonDocument.Parse(call.Body);
        Assert.Equal(1, body.RootElement.GetProperty("type").GetInt32());
        Assert.Equal("typing", body.RootElement.GetProperty("target").GetString());
        Assert.Equal("chat-7", body.RootElement.GetProperty("arguments")[0].GetString());
        Assert.False(call.Body.Contains('\u001e', StringComparison.Ordinal));
    }

    [Fact]
    public async Task Upstream_failure_makes_the_client_invocation_throw()
    {
        var kim = await ConnectAsync("kim");

        await Assert.ThrowsAsync<HubException>(() => kim.Connection.InvokeAsync<string>("fail", "x", Ct));

        // Fire-and-forget sends still reach the upstream, in order, without an answer to the client.
        await kim.Connection.SendAsync("typing", "after failure", Ct);
        await UpstreamCallAsync(c => c.Event == "typing" && c.Body.Contains("after failure", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Closing_a_connection_over_rest_closes_the_client_and_ends_its_memberships()
    {
        var leo = await ConnectAsync("leo");
        var id = leo.Connection.ConnectionId!;
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        leo.Connection.Closed += e =>
        {
            closed.TrySetResult(e);
            return Task.CompletedTask;
        };
        Assert.Equal(HttpStatusCode.OK, await CallAsync(HttpMethod.Put, $"api/hubs/chat/groups/g/connections/{id}?api-version=2022-11-01"));
        Assert.Equal(HttpStatusCode.OK, await CallAsync(HttpMethod.Head, $"api/hubs/chat/connections/{id}?api-version=2022-11-01"));
        Assert.Equal(HttpStatusCode.OK, await CallAsync(HttpMethod.Head, "api/hubs/chat/groups/g?api-version=2022-11-01"));

        Assert.Equal(HttpStatusCode.OK, await CallAsync(HttpMethod.Delete, $"api/hubs/chat/connections/{id}?api-version=2022-11-01"));

        await closed.Task.WaitAsync(Timeout, Ct);
        await Eventually.True(async () => await CallAsync(HttpMethod.Head, $"api/hubs/chat/connections/{id}?api-version=2022-11-01") == HttpStatusCode.NotFound, Timeout, "the connection to be gone");
        Assert.Equal(HttpStatusCode.NotFound, await CallAsync(HttpMethod.Head, "api/hubs/chat/groups/g?api-version=2022-11-01"));
        Assert.Equal(HttpStatusCode.NotFound, await CallAsync(HttpMethod.Head, "api/hubs/chat/users/leo?api-version=2022-11-01"));
    }

    [Fact]
    public async Task Close_connections_of_a_user_closes_all_of_them()
    {
        var (mia1, mia2) = (await ConnectAsync("mia"), await ConnectAsync("mia"));
        var closed = new[] { mia1, mia2 }.Select(c =>
        {
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            c.Connection.Closed += _ =>
            {
                tcs.TrySetResult();
                return Task.CompletedTask;
            };
            return tcs.Task;
        }).ToList();

        Assert.Equal(HttpStatusCode.OK, await CallAsync(HttpMethod.Post, "api/hubs/chat/users/mia/:closeConnections?api-version=2022-11-01"));

        await Task.WhenAll(closed).WaitAsync(Timeout, Ct);
        await Eventually.True(async () => await CallAsync(HttpMethod.Head, "api/hubs/chat/users/mia?api-version=2022-11-01") == HttpStatusCode.NotFound, Timeout, "mia to be offline");
    }

    [Fact]
    public async Task Client_tokens_must_be_signed_with_the_key_and_meant_for_the_hub()
    {
        var (url, _) = emulator.ClientAccess("chat", "nora");
        var forOtherHub = EmulatorTokens.ForClient(emulator.AccessKey, emulator.Endpoint, "other", "nora", TimeSpan.FromMinutes(5));
        var wrongKey = EmulatorTokens.ForClient("another key", emulator.Endpoint, "chat", "nora", TimeSpan.FromMinutes(5));

        foreach (var token in new[] { forOtherHub, wrongKey })
        {
            await using var connection = new HubConnectionBuilder().WithUrl(url, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token)).Build();
            var error = await Assert.ThrowsAnyAsync<HttpRequestException>(() => connection.StartAsync(Ct));
            Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        }
    }

    [Fact]
    public async Task A_slow_upstream_call_holds_up_only_its_own_connection()
    {
        var (olga, paul) = (await ConnectAsync("olga"), await ConnectAsync("paul"));

        var slow = olga.Connection.InvokeAsync<string>("slow", "x", Ct);
        await UpstreamCallAsync(c => c.Event == "slow");
        var fast = await paul.Connection.InvokeAsync<string>("typing", "chat-1", Ct);

        Assert.Equal("typing in chat-1", fast);
        Assert.False(slow.IsCompleted);
        releaseSlow.SetResult();
        Assert.Equal("slow done", await slow.WaitAsync(Timeout, Ct));
    }

    [Fact]
    public async Task Browser_style_clients_pass_the_token_in_the_query_and_only_json_is_spoken()
    {
        Assert.Equal("{}", await RawHandshakeAsync("""{"protocol":"json","version":1}"""));
        Assert.Contains("\"error\"", await RawHandshakeAsync("""{"protocol":"messagepack","version":1}"""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_stops_reading_is_dropped_when_its_queue_is_full()
    {
        await using var strict = await Emulator.StartAsync(new EmulatorOptions { MaxQueuedMessages = 5 }, Ct);
        var (socket, connectionId) = await RawConnectAsync(strict, "quinn");
        using (socket)
        {
            Assert.Equal("{}", await HandshakeAsync(socket, """{"protocol":"json","version":1}"""));
            var alive = new Uri(strict.Endpoint, $"api/hubs/chat/connections/{connectionId}");
            using (var before = new HttpRequestMessage(HttpMethod.Head, alive))
            {
                before.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", strict.RestToken(alive));
                using var answer = await http.SendAsync(before, Ct);
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            }

            var url = new Uri(strict.Endpoint, $"api/hubs/chat/connections/{connectionId}/:send?api-version=2022-11-01");
            var big = JsonSerializer.Serialize(new { target = "message", arguments = new[] { new string('x', 256 * 1024) } });

            // The socket is never read: once the kernel's buffers fill, the queue does, and the service drops it.
            await Eventually.True(
                async () =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(big, Encoding.UTF8, "application/json") };
                    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", strict.RestToken(url));
                    using var sent = await http.SendAsync(request, Ct);
                    using var check = new HttpRequestMessage(HttpMethod.Head, alive);
                    check.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", strict.RestToken(alive));
                    using var state = await http.SendAsync(check, Ct);
                    return state.StatusCode == HttpStatusCode.NotFound;
                },
                TimeSpan.FromSeconds(30),
                "the non-reading connection to be dropped");
        }
    }

    private async Task<Client> ConnectAsync(string user, string hub = "Chat")
    {
        // Exactly what the app's negotiate answers: { url, accessToken }.
        var (url, accessToken) = emulator.ClientAccess(hub, user);
        var connection = new HubConnectionBuilder()
            .WithUrl(url, o => o.AccessTokenProvider = () => Task.FromResult<string?>(accessToken))
            .Build();
        var received = Channel.CreateUnbounded<string>();
        connection.On<string>("message", text => received.Writer.TryWrite(text));
        connections.Add(connection);
        await connection.StartAsync(Ct);
        return new Client(connection, received.Reader);
    }

    /// <summary>
    /// Proves no earlier message reached the client without sleeping: a marker sent to its connection now must be the
    /// next thing it receives, because one connection's messages arrive in order.
    /// </summary>
    private async Task AssertNothingElseReachedAsync(Client client)
    {
        Assert.Equal(HttpStatusCode.Accepted, await SendAsync($"api/hubs/chat/connections/{client.Connection.ConnectionId}/:send?api-version=2022-11-01", "marker"));
        Assert.Equal("marker", await client.NextAsync());
    }

    private async Task<string> RawHandshakeAsync(string handshake)
    {
        var (socket, _) = await RawConnectAsync(emulator, "rita");
        using (socket)
        {
            return await HandshakeAsync(socket, handshake);
        }
    }

    private static async Task<string> HandshakeAsync(ClientWebSocket socket, string handshake)
    {
        await socket.SendAsync(Encoding.UTF8.GetBytes(handshake + "\u001e"), WebSocketMessageType.Text, true, Ct);
        var buffer = new byte[4096];
        var received = 0;
        while (Array.IndexOf(buffer, (byte)0x1E, 0, received) < 0)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(received), Ct).AsTask().WaitAsync(Timeout, Ct);
            Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
            received += result.Count;
        }

        return Encoding.UTF8.GetString(buffer, 0, Array.IndexOf(buffer, (byte)0x1E, 0, received));
    }

    /// <summary>Negotiates and opens the WebSocket as a browser does: the token rides in the query.</summary>
    private async Task<(ClientWebSocket Socket, string ConnectionId)> RawConnectAsync(Emulator target, string user)
    {
        var (url, token) = target.ClientAccess("chat", user);
        using var negotiate = new HttpRequestMessage(HttpMethod.Post, url.Replace("/client/?", "/client/negotiate?", StringComparison.Ordinal) + "&negotiateVersion=1");
        negotiate.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(negotiate, Ct);
        response.EnsureSuccessStatusCode();
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1, answer.RootElement.GetProperty("negotiateVersion").GetInt32());
        Assert.Equal("WebSockets", answer.RootElement.GetProperty("availableTransports")[0].GetProperty("transport").GetString());
        var connectionToken = answer.RootElement.GetProperty("connectionToken").GetString()!;

        var socket = new ClientWebSocket();
        var ws = url.Replace("http://", "ws://", StringComparison.Ordinal) + $"&id={Uri.EscapeDataString(connectionToken)}&access_token={Uri.EscapeDataString(token)}";
        await socket.ConnectAsync(new Uri(ws), Ct);
        return (socket, answer.RootElement.GetProperty("connectionId").GetString()!);
    }

    private Task<HttpStatusCode> SendAsync(string path, string text, string? token = null) =>
        CallAsync(HttpMethod.Post, path, new StringContent(JsonSerializer.Serialize(new { target = "message", arguments = new[] { text } }), Encoding.UTF8, "application/json"), token);

    private async Task<HttpStatusCode> CallAsync(HttpMethod method, string path, HttpContent? content = null, string? token = null)
    {
        var url = new Uri(emulator.Endpoint, path);
        using var request = new HttpRequestMessage(method, url) { Content = content };
        token ??= emulator.RestToken(url);
        if (token.Length > 0)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request, Ct);
        return response.StatusCode;
    }

    private Task<UpstreamCall> UpstreamCallAsync(Func<UpstreamCall, bool> match) =>
        Eventually.Returns(() => Task.FromResult(upstreamCalls.FirstOrDefault(match)), c => c is not null, Timeout, "an upstream call")!;

    /// <summary>The app's side: records every call; "typing" answers with a result, "fail" with a 500.</summary>
    private async Task<WebApplication> StartUpstreamAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/api/signalr/{category}/{event}", async (HttpContext context, string category, string @event) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            upstreamCalls.Enqueue(new UpstreamCall(category, @event, headers, body));
            if (category != "messages")
            {
                return Results.Ok();
            }

            using var invocation = JsonDocument.Parse(body);
            if (@event == "fail")
            {
                return Results.StatusCode(StatusCodes.Status500InternalServerError);
            }

            if (@event == "slow")
            {
                await releaseSlow.Task.WaitAsync(context.RequestAborted);
                return Results.Text($$"""{"type":3,"invocationId":"{{invocation.RootElement.GetProperty("invocationId").GetString()}}","result":"slow done"}""", "application/json");
            }

            if (!invocation.RootElement.TryGetProperty("invocationId", out var id))
            {
                return Results.Ok();
            }

            var completion = JsonSerializer.Serialize(new { type = 3, invocationId = id.GetString(), result = "typing in " + invocation.RootElement.GetProperty("arguments")[0].GetString() });
            return Results.Text(completion + "\u001e", "application/json");
        });
        await app.StartAsync(Ct);
        return app;
    }

    private sealed record UpstreamCall(string Category, string Event, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        public string? Header(string name) => Headers.GetValueOrDefault(name);
    }

    private sealed record Client(HubConnection Connection, ChannelReader<string> Received)
    {
        public async Task<string> NextAsync() => await Received.ReadAsync(Ct).AsTask().WaitAsync(Timeout, Ct);
    }
}
