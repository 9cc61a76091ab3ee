using System.Net;
using System.Text.Json;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using DistaHilar.Tests.Realtime;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace DistaHilar.Tests.Calls;

/// <summary>Live voice rooms in a group, through the realtime app and official SignalR clients.</summary>
public sealed class LiveRoomTests(TestEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Three_people_join_raise_hands_speak_by_the_rules_and_the_room_passes_on_when_hosts_leave()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var host = await ChatUser.RegisterAsync(http);
        var ann = await ChatUser.RegisterAsync(http);
        var ben = await ChatUser.RegisterAsync(http);
        var stranger = await ChatUser.RegisterAsync(http);
        var group = await host.CreateGroupAsync(members: [ann, ben]);
        var live = $"api/chats/{group}/live";
        await using var annEvents = await EventProbe.ConnectAsync(app.BaseAddress, ann.Token);
        await using var hostEvents = await EventProbe.ConnectAsync(app.BaseAddress, host.Token);
        await using var strangerEvents = await EventProbe.ConnectAsync(app.BaseAddress, stranger.Token);

        Assert.False((await ann.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, live)).GetProperty("active").GetBoolean());
        await ann.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Post, live);
        await ann.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"{live}/join");
        var started = await host.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, live);
        Assert.Equal(host.Id, started.GetProperty("hostId").GetGuid());
        await host.ExpectAsync(HttpStatusCode.Conflict, HttpMethod.Post, live);
        await annEvents.WaitForAsync("live.state", e => e.GetProperty("chatId").GetGuid() == group && e.GetProperty("data").GetProperty("active").GetBoolean());

        await ann.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"{live}/join");
        var joined = await ben.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"{live}/join");
        Assert.Equal(2, joined.GetProperty("listenerCount").GetInt32());
        await stranger.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"{live}/join");
        await stranger.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, live);

        // Hands go up in order; only the host (or a chat moderator) makes speakers.
        await ben.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"{live}/raise-hand");
        var hands = await ann.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"{live}/raise-hand");
        Assert.Equal([ben.Id, ann.Id], hands.GetProperty("raisedHands").EnumerateArray().Select(h => h.GetGuid()).ToArray());
        await ben.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Put, $"{live}/speakers/{ann.Id}");
        var approved = await host.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, $"{live}/speakers/{ann.Id}");
        Assert.Equal([ben.Id], approved.GetProperty("raisedHands").EnumerateArray().Select(h => h.GetGuid()).ToArray());
        Assert.Contains(approved.GetProperty("speakers").EnumerateArray(), s => s.GetProperty("userId").GetGuid() == ann.Id && s.GetProperty("muted").GetBoolean());

        // Mute rules: speakers unmute themselves, listeners cannot; the host mutes anyone but unmutes nobody else.
        var unmuted = await ann.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, $"{live}/participants/{ann.Id}/mute", new { muted = false });
        Assert.False(Speaker(unmuted, ann.Id).GetProperty("muted").GetBoolean());
        await ben.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Put, $"{live}/participants/{ben.Id}/mute", new { muted = false });
        await ben.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Put, $"{live}/participants/{ann.Id}/mute", new { muted = true });
        var muted = await host.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, $"{live}/participants/{ann.Id}/mute", new { muted = true });
        Assert.True(Speaker(muted, ann.Id).GetProperty("muted").GetBoolean());
        await host.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Put, $"{live}/participants/{ann.Id}/mute", new { muted = false });
        await host.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Put, $"{live}/participants/{ann.Id}/mute", new { });

        // Signalling between two participants only.
        await annEvents.Hub.InvokeAsync<object>("liveSignal", new { chatId = group, toUserId = host.Id, kind = "offer", payload = new { sdp = "v=0" } }, Ct);
        var signal = await hostEvents.WaitForAsync("live.signal", e => e.GetProperty("data").GetProperty("fromUserId").GetGuid() == ann.Id);
        Assert.Equal(group, signal.Data.GetProperty("chatId").GetGuid());
        var refused = await Assert.ThrowsAsync<HubException>(() => strangerEvents.Hub.InvokeAsync<object>("liveSignal", new { chatId = group, toUserId = host.Id, kind = "offer", payload = "x" }, Ct));
        Assert.Contains("not found", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(strangerEvents.Events, e => e.Target == "live.state");

        // The host leaves: a speaker takes over; then a listener; the last one out ends the room.
        var handedOver = await host.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"{live}/leave");
        Assert.Equal(ann.Id, handedOver.GetProperty("hostId").GetGuid());
        var next = await ann.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"{live}/leave");
        Assert.Equal(ben.Id, next.GetProperty("hostId").GetGuid());
        Assert.Equal(0, next.GetProperty("listenerCount").GetInt32());
        var over = await ben.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"{live}/leave");
        Assert.False(over.GetProperty("active").GetBoolean());
        await annEvents.WaitForAsync("live.state", e => e.GetProperty("chatId").GetGuid() == group && !e.GetProperty("data").GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task A_groups_listeners_are_listed_by_join_time_up_to_100_with_the_total_count_a_channels_are_only_counted()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var host = await ChatUser.RegisterAsync(http);
        var people = new List<ChatUser>();
        foreach (var chunk in Enumerable.Range(0, 102).Chunk(6))
        {
            people.AddRange(await Task.WhenAll(chunk.Select(_ => ChatUser.RegisterAsync(http))));
        }

        var group = await host.CreateGroupAsync(members: people);
        var live = $"api/chats/{group}/live";
        await using var watcher = await EventProbe.ConnectAsync(app.BaseAddress, people[^1].Token);
        await host.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, live);

        // One at a time, so the join order is known; the host and speakers are never listed as listeners.
        foreach (var person in people)
        {
            await person.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"{live}/join");
        }

        await host.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, $"{live}/speakers/{people[0].Id}");
        var state = await people[5].ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, live);

        Assert.Equal(101, state.GetProperty("listenerCount").GetInt32());
        Assert.Equal(people.Skip(1).Take(100).Select(p => p.Id), state.GetProperty("listeners").EnumerateArray().Select(l => l.GetGuid()));
        var pushed = await watcher.WaitForAsync("live.state", e => e.GetProperty("chatId").GetGuid() == group
            && e.GetProperty("data").GetProperty("speakers").EnumerateArray().Any(s => s.GetProperty("userId").GetGuid() == people[0].Id));
        Assert.Equal(state.GetProperty("listeners").GetRawText(), pushed.Data.GetProperty("listeners").GetRawText());

        // Leaving makes room in the list for the next by join time.
        var after = await people[1].ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"{live}/leave");
        Assert.Equal(100, after.GetProperty("listenerCount").GetInt32());
        Assert.Equal(people.Skip(2).Select(p => p.Id), after.GetProperty("listeners").EnumerateArray().Select(l => l.GetGuid()));

        // A channel's subscribers do not learn who else subscribes: counted, not listed.
        var channel = await host.CreateGroupAsync("channels", members: people.Take(3));
        await host.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{channel}/live");
        await people[0].ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{channel}/live/join");
        var channelState = await people[1].ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{channel}/live/join");
        Assert.Equal(2, channelState.GetProperty("listenerCount").GetInt32());
        Assert.Equal(0, channelState.GetProperty("listeners").GetArrayLength());
    }

    [Fact]
    public async Task Only_the_host_or_an_admin_stops_a_room_and_dialogs_have_none()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var owner = await ChatUser.RegisterAsync(http);
        var moderator = await ChatUser.RegisterAsync(http);
        var member = await ChatUser.RegisterAsync(http);
        var group = await owner.CreateGroupAsync(members: [moderator, member]);
        await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"api/chats/{group}/members/{moderator.Id}", new { role = "moderator" });
        var live = $"api/chats/{group}/live";

        await moderator.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, live);
        await member.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"{live}/join");

        // Leaving the chat is leaving its room: the host moderator goes, the member is handed the room.
        await moderator.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"api/chats/{group}/leave");
        var after = await member.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, live);
        Assert.Equal((member.Id, 0), (after.GetProperty("hostId").GetGuid(), after.GetProperty("listenerCount").GetInt32()));
        Assert.DoesNotContain(after.GetProperty("speakers").EnumerateArray(), s => s.GetProperty("userId").GetGuid() == moderator.Id);
        var third = await ChatUser.RegisterAsync(http);
        await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{group}/members", new { userIds = new[] { third.Id } });
        await third.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"{live}/join");
        await third.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Delete, live);
        await owner.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, live);
        Assert.False((await member.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, live)).GetProperty("active").GetBoolean());
        await third.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"{live}/leave");

        var dialog = (await owner.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/chats/dialogs", new { userId = member.Id })).GetProperty("id").GetGuid();
        await owner.ExpectAsync(HttpStatusCode.UnprocessableEntity, HttpMethod.Post, $"api/chats/{dialog}/live");
    }

    [Fact]
    public async Task A_participant_whose_last_connection_goes_leaves_after_the_grace_period_and_the_room_passes_on()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var host = await ChatUser.RegisterAsync(http);
        var listener = await ChatUser.RegisterAsync(http);
        var group = await host.CreateGroupAsync(members: [listener]);
        await using var listenerEvents = await EventProbe.ConnectAsync(app.BaseAddress, listener.Token);
        var hostPhone = await EventProbe.ConnectAsync(app.BaseAddress, host.Token);
        await host.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{group}/live");
        await listener.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{group}/live/join");

        await hostPhone.DisposeAsync();

        var handedOver = await listenerEvents.WaitForAsync(
            "live.state",
            e => e.GetProperty("chatId").GetGuid() == group && e.GetProperty("data").GetProperty("hostId").ValueKind == JsonValueKind.String
                && e.GetProperty("data").GetProperty("hostId").GetGuid() == listener.Id,
            TimeSpan.FromSeconds(30));
        Assert.Equal(0, handedOver.Data.GetProperty("listenerCount").GetInt32());
    }

    private static JsonElement Speaker(JsonElement state, Guid userId) =>
        state.GetProperty("speakers").EnumerateArray().Single(s => s.GetProperty("userId").GetGuid() == userId);
}
