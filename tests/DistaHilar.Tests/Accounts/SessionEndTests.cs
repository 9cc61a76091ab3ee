using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using DistaHilar.Tests.Realtime;
using Microsoft.AspNetCore.SignalR.Client;

namespace DistaHilar.Tests.Accounts;

/// <summary>
/// Ending a session ends it everywhere at once: its access token stops working on every instance (without waiting
/// for it to expire), and its realtime connections are closed at the service, so the device hears nothing more.
/// Through the realtime app, the emulator and the official .NET client.
/// </summary>
public sealed class SessionEndTests(TestEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Logout_closes_that_devices_connection_and_its_token_stops_working_at_once()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var alice = await AccountsApi.RegisterAsync(http);
        var phone = await AccountsApi.LoginOkAsync(http, alice);
        var bob = await ChatUser.RegisterAsync(http);
        var dialog = (await bob.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/chats/dialogs", new { userId = alice.Id })).GetProperty("id").GetGuid();

        await using var laptop = await Device.ConnectAsync(app.BaseAddress, alice.Auth.AccessToken);
        await using var mobile = await Device.ConnectAsync(app.BaseAddress, phone.AccessToken);
        var first = await SendAsync(bob, dialog, "before");
        await laptop.Probe.WaitForAsync("message.created", e => Id(e) == first, what: "the first message on the laptop");
        await mobile.Probe.WaitForAsync("message.created", e => Id(e) == first, what: "the first message on the phone");

        using (var logout = await http.SendAsync(AccountsApi.Authorized(HttpMethod.Post, "api/auth/logout", alice.Auth.AccessToken), Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        }

        // The instance that ended it refuses the token at once: reads, sends and negotiate.
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, HttpMethod.Get, "api/users/me", alice.Auth.AccessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, HttpMethod.Post, $"api/chats/{dialog}/messages", alice.Auth.AccessToken, new { clientMessageId = Guid.NewGuid().ToString(), text = "after logout" }));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, HttpMethod.Post, "api/negotiate", alice.Auth.AccessToken));
        await laptop.Closed.WaitAsync(TimeSpan.FromSeconds(15), Ct);

        var second = await SendAsync(bob, dialog, "after");
        await mobile.Probe.WaitForAsync("message.created", e => Id(e) == second, what: "the second message on the phone");
        Assert.False(laptop.Probe.Has("message.created", e => Id(e) == second));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, HttpMethod.Get, "api/users/me", phone.AccessToken));
    }

    [Fact]
    public async Task Revoking_a_session_closes_only_its_connections_and_a_password_change_closes_the_others()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var alice = await AccountsApi.RegisterAsync(http);
        var tablet = await AccountsApi.LoginOkAsync(http, alice);
        var phone = await AccountsApi.LoginOkAsync(http, alice);
        await using var laptopLink = await Device.ConnectAsync(app.BaseAddress, alice.Auth.AccessToken);
        await using var tabletLink = await Device.ConnectAsync(app.BaseAddress, tablet.AccessToken);
        await using var phoneLink = await Device.ConnectAsync(app.BaseAddress, phone.AccessToken);
        await Eventually.True(async () => await ConnectionCountAsync(alice.Id) == 3, TimeSpan.FromSeconds(10), "three connections registered");

        var sessions = await (await http.SendAsync(AccountsApi.Authorized(HttpMethod.Get, "api/auth/sessions", alice.Auth.AccessToken), Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        var phoneSession = sessions.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()).Single(id => id == SessionOf(phone.AccessToken));
        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(http, HttpMethod.Delete, $"api/auth/sessions/{phoneSession}", alice.Auth.AccessToken));
        await phoneLink.Closed.WaitAsync(TimeSpan.FromSeconds(15), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, HttpMethod.Get, "api/users/me", phone.AccessToken));

        var changed = await StatusAsync(http, HttpMethod.Put, "api/users/me/password", alice.Auth.AccessToken, new { currentPassword = alice.Password, newPassword = "new-" + Guid.NewGuid().ToString("N") });
        Assert.Equal(HttpStatusCode.NoContent, changed);
        await tabletLink.Closed.WaitAsync(TimeSpan.FromSeconds(15), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, HttpMethod.Get, "api/users/me", tablet.AccessToken));

        // The device that changed the password keeps its session and its connection.
        await Eventually.True(async () => await ConnectionCountAsync(alice.Id) == 1, TimeSpan.FromSeconds(10), "only the laptop's connection left");
        Assert.Equal(HubConnectionState.Connected, laptopLink.Hub.State);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, HttpMethod.Get, "api/users/me", alice.Auth.AccessToken));
    }

    [Fact]
    public async Task A_connection_negotiated_before_the_session_ended_is_closed_when_it_connects()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var alice = await AccountsApi.RegisterAsync(http);
        var negotiated = await (await http.SendAsync(AccountsApi.Authorized(HttpMethod.Post, "api/negotiate", alice.Auth.AccessToken), Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(http, HttpMethod.Post, "api/auth/logout", alice.Auth.AccessToken));

        // Straight to the service with the client token handed out before the logout: the service lets it in (the
        // token is valid), the app hears the connection and refuses it.
        var late = await Device.ConnectAsync(new Uri(negotiated.GetProperty("url").GetString()!), negotiated.GetProperty("accessToken").GetString()!, direct: true);
        await using (late)
        {
            await late.Closed.WaitAsync(TimeSpan.FromSeconds(15), Ct);
        }

        Assert.Equal(0, await ConnectionCountAsync(alice.Id));
    }

    [Fact]
    public async Task The_client_token_carries_the_session_and_expires_no_later_than_the_access_token()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var alice = await AccountsApi.RegisterAsync(http);
        var negotiated = await (await http.SendAsync(AccountsApi.Authorized(HttpMethod.Post, "api/negotiate", alice.Auth.AccessToken), Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);

        var claims = Payload(negotiated.GetProperty("accessToken").GetString()!);
        Assert.Equal(SessionOf(alice.Auth.AccessToken).ToString(), claims.GetProperty("sid").GetString());
        var clientExpires = DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("exp").GetInt64());
        // The access token (15 min) runs out before the configured client-token lifetime (30 min): its end is the limit.
        Assert.InRange(clientExpires, alice.Auth.AccessTokenExpiresAt.AddSeconds(-2), alice.Auth.AccessTokenExpiresAt);
    }

    [Fact]
    public async Task A_session_ended_through_one_instance_is_refused_by_another_within_the_refresh_interval()
    {
        var (realtime, _) = await env.RealtimeAsync();
        var other = await env.AppAsync();
        using var viaRealtime = AccountsApi.Client(realtime.BaseAddress);
        using var viaOther = AccountsApi.Client(other.BaseAddress);
        var alice = await AccountsApi.RegisterAsync(viaRealtime);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(viaOther, HttpMethod.Get, "api/users/me", alice.Auth.AccessToken));

        Assert.Equal(HttpStatusCode.NoContent, await StatusAsync(viaRealtime, HttpMethod.Post, "api/auth/logout", alice.Auth.AccessToken));

        // Auth__RevocationRefreshInterval is 5 s by default: the other instance reads the revocation within it.
        var refusedAfter = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.True(
            async () => await StatusAsync(viaOther, HttpMethod.Get, "api/users/me", alice.Auth.AccessToken) == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(15),
            "the other instance to refuse the ended session");
        Assert.True(refusedAfter.Elapsed < TimeSpan.FromSeconds(10), $"refused after {refusedAfter.Elapsed}");
    }

    internal static async Task<HttpStatusCode> StatusAsync(HttpClient http, HttpMethod method, string path, string token, object? body = null)
    {
        using var response = await http.SendAsync(AccountsApi.Authorized(method, path, token, body), Ct);
        return response.StatusCode;
    }

    private async Task<long> ConnectionCountAsync(Guid userId)
    {
        await using var db = Npgsql.NpgsqlDataSource.Create((await env.ServersAsync()).Postgres.DirectConnectionString);
        await using var count = db.CreateCommand($"SELECT count(*) FROM user_connections WHERE user_id = '{userId}'");
        return (long)(await count.ExecuteScalarAsync(Ct))!;
    }

    internal static Guid SessionOf(string accessToken) => Guid.Parse(Payload(accessToken).GetProperty("sid").GetString()!);

    private static JsonElement Payload(string jwt) =>
        JsonSerializer.Deserialize<JsonElement>(System.Buffers.Text.Base64Url.DecodeFromChars(jwt.Split('.')[1]));

    private static Guid Id(JsonElement envelope) => envelope.GetProperty("data").GetProperty("id").GetGuid();

    private static async Task<Guid> SendAsync(ChatUser sender, Guid chatId, string text) =>
        (await sender.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{chatId}/messages", new { clientMessageId = Guid.NewGuid().ToString(), text })).GetProperty("id").GetGuid();
}

/// <summary>
/// One device's realtime link: the official client without automatic reconnect (a reconnect would negotiate again
/// and fail, hiding the close), recording events and telling when the connection closes.
/// </summary>
internal sealed class Device : IAsyncDisposable
{
    private readonly TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Device(HubConnection hub)
    {
        Hub = hub;
        Probe = EventProbe.Attach(hub);
        hub.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
    }

    public HubConnection Hub { get; }

    public EventProbe Probe { get; }

    public Task Closed => closed.Task;

    /// <param name="direct">Connect to <paramref name="url"/> as the service's client URL, skipping the app's negotiate.</param>
    public static async Task<Device> ConnectAsync(Uri url, string accessToken, bool direct = false)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(direct ? url : new Uri(url, "api"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(accessToken))
            .Build();
        var device = new Device(hub);
        await hub.StartAsync(TestContext.Current.CancellationToken);
        return device;
    }

    public async ValueTask DisposeAsync() => await Hub.DisposeAsync();
}
