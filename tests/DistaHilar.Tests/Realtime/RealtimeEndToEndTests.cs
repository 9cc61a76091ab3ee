using System.Net;
using System.Net.Http.Json;
using DistaHilar.Dev;
using DistaHilar.Core.Realtime;
using DistaHilar.DevHost;
using DistaHilar.LocalServices;
using DistaHilar.SignalREmulator;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Emulator = DistaHilar.SignalREmulator.SignalREmulator;

namespace DistaHilar.Tests.Realtime;

/// <summary>The app wired to the emulator: negotiate, the official client, the signed upstream, and Core's REST client.</summary>
public sealed class RealtimeEndToEndTests(TestEnvironment env) : IAsyncLifetime
{
    private Emulator? emulator;
    private FunctionsDevHost? app;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        // The emulator needs the app's upstream URL and the app needs the emulator's connection string: fix the app's port first.
        var appPort = FreePort.Next();
        emulator = await Emulator.StartAsync(new EmulatorOptions { UpstreamUrlTemplate = DevEnvironment.UpstreamUrlTemplate(appPort) }, Ct);
        var servers = await env.ServersAsync();
        app = await TestEnvironment.StartHostAsync(
            TestEnvironment.FunctionsAppDirectory,
            TestEnvironment.With(TestEnvironment.With(servers.AppSettings, TestEnvironment.GenerousLimits), new Dictionary<string, string?> { ["SignalR__ConnectionString"] = emulator.ConnectionString }),
            runNonHttpTriggers: false,
            httpPort: appPort);
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        if (emulator is not null)
        {
            await emulator.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_client_negotiates_connects_and_receives_what_the_app_sends_to_its_user()
    {
        using var client = AccountsApi.Client(app!.BaseAddress);
        var account = await AccountsApi.RegisterAsync(client);
        Assert.Equal("up", (await client.GetFromJsonAsync<System.Text.Json.JsonElement>("api/health", Ct)).GetProperty("checks").GetProperty("signalr").GetString());

        // The official client given the app's /api base calls POST /api/negotiate itself and follows {url, accessToken}.
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(app.BaseAddress, "api"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(account.Auth.AccessToken))
            .Build();
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.On<string>("presence", text => received.TrySetResult(text));
        await hub.StartAsync(Ct);

        var service = new SignalRService(
            new HttpClient(),
            new SignalRSetup(Options.Create(new SignalROptions { ConnectionString = emulator!.ConnectionString }), TimeProvider.System),
            Options.Create(new SignalROptions()),
            TimeProvider.System,
            NullLogger<SignalRService>.Instance);
        await Eventually.True(() => service.IsUserConnectedAsync(account.Id.ToString(), Ct), TimeSpan.FromSeconds(10), "the service to see the user connected");
        await service.SendToUserAsync(account.Id.ToString(), "presence", ["hello"], Ct);

        Assert.Equal("hello", await received.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        // An unknown hub method: the signed upstream answers an error completion, which the client surfaces.
        var error = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<object>("nonsense", new { chatId = Guid.NewGuid() }, Ct));
        Assert.Contains("The hub method 'nonsense' was not found.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Presence_follows_connections_online_while_any_lives_last_seen_when_the_last_goes()
    {
        using var client = AccountsApi.Client(app!.BaseAddress);
        var user = await AccountsApi.RegisterAsync(client);
        var viewer = await AccountsApi.RegisterAsync(client);

        async Task<System.Text.Json.JsonElement> PresenceAsync() =>
            (await (await client.SendAsync(AccountsApi.Authorized(HttpMethod.Get, $"api/users/{user.Id}", viewer.Auth.AccessToken), Ct)).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("presence");

        HubConnection Connect() => new HubConnectionBuilder()
            .WithUrl(new Uri(app.BaseAddress, "api"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(user.Auth.AccessToken))
            .Build();

        await using var phone = Connect();
        await using var laptop = Connect();
        await phone.StartAsync(Ct);
        await laptop.StartAsync(Ct);
        // "Online" shows with the first connection's row; each step waits for the app to have handled the upstream
        // event it depends on (the two connections' events travel independently).
        await using var db = NpgsqlDataSource.Create((await env.ServersAsync()).Postgres.DirectConnectionString);
        async Task<long> ConnectionsAsync() => (long)(await db.CreateCommand($"SELECT count(*) FROM user_connections WHERE user_id = '{user.Id}'").ExecuteScalarAsync(Ct))!;
        await Eventually.True(async () => await ConnectionsAsync() == 2, TimeSpan.FromSeconds(10), "the app to record both connections");
        Assert.Equal("online", (await PresenceAsync()).GetProperty("status").GetString());

        await phone.StopAsync(Ct);
        await Eventually.True(async () => await ConnectionsAsync() == 1, TimeSpan.FromSeconds(10), "the app to handle the phone's disconnect");
        Assert.Equal("online", (await PresenceAsync()).GetProperty("status").GetString());
        var before = (await PresenceAsync()).GetProperty("lastSeenAt").GetDateTimeOffset();

        await laptop.StopAsync(Ct);
        var after = await Eventually.Returns(PresenceAsync, p => p.GetProperty("status").GetString() == "offline", TimeSpan.FromSeconds(10), "the user to be offline after the last connection");
        Assert.True(after.GetProperty("lastSeenAt").GetDateTimeOffset() > before, $"last seen moved to the last disconnect: before {before:O}, after {after}");
    }

    [Fact]
    public async Task Upstream_calls_naming_the_hub_in_another_casing_are_served_other_hubs_refused()
    {
        using var client = AccountsApi.Client(app!.BaseAddress);
        var user = await AccountsApi.RegisterAsync(client);

        // The official emulator names the hub upstream as its first client spelled it: here that client says "Chat".
        // The token carries the session like the app's negotiate (a connection without a live session is refused).
        var (url, token) = emulator!.ClientAccess("Chat", user.Id.ToString(), claims: new Dictionary<string, string> { ["sid"] = SessionEndTests.SessionOf(user.Auth.AccessToken).ToString() });
        await using var hub = new HubConnectionBuilder().WithUrl(url, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token)).Build();
        await hub.StartAsync(Ct);

        // Through the app's hub methods (a 400 from the upstream would surface as "Invocation failed, status code 400").
        var error = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<object>("nonsense", new { chatId = Guid.NewGuid() }, Ct));
        Assert.Contains("The hub method 'nonsense' was not found.", error.Message, StringComparison.Ordinal);

        async Task<HttpStatusCode> UpstreamAsync(string hubName)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/signalr/connections/disconnected") { Content = JsonContent.Create(new { Type = 11 }) };
            request.Headers.Add("X-ASRS-Connection-Id", "c-" + hubName);
            request.Headers.Add("X-ASRS-Hub", hubName);
            request.Headers.Add("X-ASRS-Signature", UpstreamSignature.For(emulator.AccessKey, "c-" + hubName));
            using var response = await client.SendAsync(request, Ct);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await UpstreamAsync("CHAT"));
        Assert.Equal(HttpStatusCode.BadRequest, await UpstreamAsync("other"));
    }

    [Fact]
    public async Task A_disconnect_with_the_official_emulators_capitalised_body_takes_the_user_offline()
    {
        using var client = AccountsApi.Client(app!.BaseAddress);
        var user = await AccountsApi.RegisterAsync(client);
        var viewer = await AccountsApi.RegisterAsync(client);
        await using var db = NpgsqlDataSource.Create((await env.ServersAsync()).Postgres.DirectConnectionString);
        await db.CreateCommand($"INSERT INTO user_connections (connection_id, user_id, session_id, connected_at) SELECT 'official-1', user_id, id, now() FROM sessions WHERE user_id = '{user.Id}'").ExecuteNonQueryAsync(Ct);
        async Task<string?> StatusAsync() =>
            (await (await client.SendAsync(AccountsApi.Authorized(HttpMethod.Get, $"api/users/{user.Id}", viewer.Auth.AccessToken), Ct)).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("presence").GetProperty("status").GetString();
        Assert.Equal("online", await StatusAsync());

        // Exactly what the official emulator posts: capitalised keys, its hub spelling.
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/signalr/connections/disconnected")
        {
            Content = new StringContent("""{"Type":11,"Error":"Connection closed with an error."}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-ASRS-Connection-Id", "official-1");
        request.Headers.Add("X-ASRS-Hub", "Chat");
        request.Headers.Add("X-ASRS-User-Id", user.Id.ToString());
        request.Headers.Add("X-ASRS-Signature", UpstreamSignature.For(emulator!.AccessKey, "official-1"));
        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("offline", await StatusAsync());
    }

    [Fact]
    public async Task Negotiate_needs_an_access_token()
    {
        using var client = new HttpClient { BaseAddress = app!.BaseAddress };

        using var response = await client.PostAsync("api/negotiate", null, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
