using System.Net;
using System.Net.Http.Json;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

namespace DistaHilar.Tests.Realtime;

/// <summary>The typing hub method through the signed upstream, and presence events to the people who may see them.</summary>
public sealed class TypingAndPresenceTests(TestEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Typing_reaches_the_other_members_only_and_a_stranger_is_refused()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var typist = await ChatUser.RegisterAsync(http);
        var reader = await ChatUser.RegisterAsync(http);
        var stranger = await ChatUser.RegisterAsync(http);
        await using var typistEvents = await EventProbe.ConnectAsync(app.BaseAddress, typist.Token);
        await using var readerEvents = await EventProbe.ConnectAsync(app.BaseAddress, reader.Token);
        await using var strangerEvents = await EventProbe.ConnectAsync(app.BaseAddress, stranger.Token);
        var chatId = await typist.CreateGroupAsync(members: [reader]);
        // The grants of the chat's group are out once the created events arrived.
        await readerEvents.WaitForChatEventAsync("chat.created", chatId);
        await typistEvents.WaitForChatEventAsync("chat.created", chatId);

        await typistEvents.Hub.InvokeAsync("typing", new { chatId, action = "typing" }, Ct);
        var typing = await readerEvents.WaitForChatEventAsync("typing", chatId);
        Assert.Equal(typist.Id, typing.Data.GetProperty("userId").GetGuid());
        Assert.Equal("typing", typing.Data.GetProperty("action").GetString());

        var refused = await Assert.ThrowsAsync<HubException>(() => strangerEvents.Hub.InvokeAsync("typing", new { chatId, action = "typing" }, Ct));
        Assert.Contains("not found", refused.Message, StringComparison.Ordinal);
        var invalid = await Assert.ThrowsAsync<HubException>(() => typistEvents.Hub.InvokeAsync("typing", new { chatId, action = "dancing" }, Ct));
        Assert.Contains("not valid", invalid.Message, StringComparison.Ordinal);

        // A later event from the typist arrived, so the stranger's attempt would have too: it was never relayed.
        await typistEvents.Hub.InvokeAsync("typing", new { chatId, action = "cancel" }, Ct);
        await readerEvents.WaitForAsync("typing", e => e.GetProperty("data").GetProperty("action").GetString() == "cancel");
        Assert.All(readerEvents.Events.Where(e => e.Target == "typing"), e => Assert.Equal(typist.Id, e.Data.GetProperty("userId").GetGuid()));
        Assert.DoesNotContain(typistEvents.Events, e => e.Target == "typing"); // not echoed to the typist's own connection
        Assert.DoesNotContain(strangerEvents.Events, e => e.Target == "typing");
    }

    [Fact]
    public async Task Presence_goes_to_dialog_peers_as_privacy_allows_and_not_to_strangers()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var watched = await ChatUser.RegisterAsync(http);
        var peer = await ChatUser.RegisterAsync(http);
        var stranger = await ChatUser.RegisterAsync(http);
        await peer.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/chats/dialogs", new { userId = watched.Id });
        await using var peerEvents = await EventProbe.ConnectAsync(app.BaseAddress, peer.Token);
        await using var strangerEvents = await EventProbe.ConnectAsync(app.BaseAddress, stranger.Token);

        var session = await EventProbe.ConnectAsync(app.BaseAddress, watched.Token);
        var online = await peerEvents.WaitForAsync("presence", e => e.GetProperty("data").GetProperty("userId").GetGuid() == watched.Id);
        Assert.Equal("online", online.Data.GetProperty("status").GetString());
        await session.DisposeAsync();
        var offline = await peerEvents.WaitForAsync("presence", e => e.GetProperty("data").GetProperty("status").GetString() == "offline");
        Assert.True(offline.Data.GetProperty("lastSeenAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));

        // Hidden last seen: nothing goes out. The marker (a dialog the stranger starts with the peer) arrives after
        // anything the reconnect would have sent.
        await watched.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, "api/users/me/settings", new { lastSeenVisibility = "nobody" });
        var before = peerEvents.Events.Count(e => e.Target == "presence");
        await using (await EventProbe.ConnectAsync(app.BaseAddress, watched.Token))
        {
            // The app has handled the connection (and would have announced it) once its row exists.
            await using var db = NpgsqlDataSource.Create((await env.ServersAsync()).Postgres.DirectConnectionString);
            await Eventually.True(
                async () => (long)(await db.CreateCommand($"SELECT count(*) FROM user_connections WHERE user_id = '{watched.Id}'").ExecuteScalarAsync(Ct))! > 0,
                TimeSpan.FromSeconds(10),
                "the app to record the connection");
            var marker = await stranger.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/chats/dialogs", new { userId = peer.Id });
            await peerEvents.WaitForChatEventAsync("chat.created", marker.GetProperty("id").GetGuid());
        }

        Assert.Equal(before, peerEvents.Events.Count(e => e.Target == "presence" && e.Data.GetProperty("userId").GetGuid() == watched.Id));
        Assert.DoesNotContain(strangerEvents.Events, e => e.Target == "presence" && e.Data.GetProperty("userId").GetGuid() == watched.Id);
    }

    [Fact]
    public async Task Housekeeping_drops_connections_the_service_no_longer_has_and_keeps_live_ones()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var live = await ChatUser.RegisterAsync(http);
        var lost = await ChatUser.RegisterAsync(http);
        await using var liveEvents = await EventProbe.ConnectAsync(app.BaseAddress, live.Token);
        await using var db = NpgsqlDataSource.Create((await env.ServersAsync()).Postgres.DirectConnectionString);
        await Eventually.True(async () => await CountAsync(db, $"SELECT count(*) FROM user_connections WHERE user_id = '{live.Id}'") == 1, TimeSpan.FromSeconds(10), "the live connection's row");
        // A connection whose disconnect never arrived, and make both old enough to be checked.
        await using (var insert = db.CreateCommand($"INSERT INTO user_connections (connection_id, user_id, session_id, connected_at) SELECT 'lost-{Guid.NewGuid():N}', '{lost.Id}', id, now() - interval '2 hours' FROM sessions WHERE user_id = '{lost.Id}' LIMIT 1"))
        {
            await insert.ExecuteNonQueryAsync(Ct);
        }

        await using (var age = db.CreateCommand($"UPDATE user_connections SET connected_at = now() - interval '2 hours' WHERE user_id = '{live.Id}'"))
        {
            await age.ExecuteNonQueryAsync(Ct);
        }

        using var run = await http.PostAsJsonAsync("admin/functions/Housekeeping", new { input = "" }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);

        await Eventually.True(async () => await CountAsync(db, $"SELECT count(*) FROM user_connections WHERE user_id = '{lost.Id}'") == 0, TimeSpan.FromSeconds(20), "the lost connection to be dropped");
        Assert.Equal(1, await CountAsync(db, $"SELECT count(*) FROM users WHERE id = '{lost.Id}' AND last_seen_at > now() - interval '1 minute'"));
        Assert.Equal(1, await CountAsync(db, $"SELECT count(*) FROM user_connections WHERE user_id = '{live.Id}'"));
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
