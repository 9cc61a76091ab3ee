using System.Net;
using DistaHilar.DevHost;
using DistaHilar.Tests.Calls;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using DistaHilar.Tests.Realtime;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

namespace DistaHilar.Tests.Reliability;

/// <summary>
/// The app on two instances (one database, storage account and SignalR service): requests and the service's upstream
/// alternate between them, both run the queue triggers, and each timer runs on one of them at a time.
/// </summary>
public sealed class TwoInstanceTests(TestEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_timer_runs_on_one_instance_and_no_occurrence_runs_twice()
    {
        var two = await env.TwoInstancesAsync();
        var timers = two.Hosts[0].Functions.Where(f => f.Trigger is TimerTrigger).Select(f => f.Name).Order().ToList();
        Assert.Equal(["Housekeeping", "MediaCleanup", "OutboxDispatcher"], timers);

        // Each timer's lock is held by exactly one instance (the other waits to take it over).
        await Eventually.True(
            () => Task.FromResult(timers.All(t => two.Hosts.Count(h => h.TimersHeld.Contains(t)) == 1)),
            TimeSpan.FromSeconds(20),
            "every timer's lock to be held by one instance");
        // The dispatcher (every 5 s) has run a few occurrences by now.
        var runs = await Eventually.Returns(
            () => Task.FromResult(two.Hosts.SelectMany(h => h.TimerRuns.Where(r => r.Function == "OutboxDispatcher").Select(r => (Host: h, Run: r))).ToList()),
            r => r.Count >= 3,
            TimeSpan.FromSeconds(30),
            "three runs of the outbox dispatcher");

        var holder = Assert.Single(two.Hosts, h => h.TimersHeld.Contains("OutboxDispatcher"));
        Assert.All(runs, r => Assert.Same(holder, r.Host));
        Assert.Equal(runs.Count, runs.Select(r => r.Run.ScheduledFor).Distinct().Count());
        foreach (var timer in timers)
        {
            // An instance runs only the timers it holds; hourly ones may not have come due yet.
            Assert.All(two.Hosts.Where(h => !h.TimersHeld.Contains(timer)), h => Assert.DoesNotContain(h.TimerRuns, r => r.Function == timer));
        }
    }

    [Fact]
    public async Task Presence_with_connections_on_both_instances_goes_offline_only_when_both_close()
    {
        var two = await env.TwoInstancesAsync();
        using var http = two.Client();
        var watched = await ChatUser.RegisterAsync(http);
        var peer = await ChatUser.RegisterAsync(http);
        var stranger = await ChatUser.RegisterAsync(http);
        await peer.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/chats/dialogs", new { userId = watched.Id });
        await using var peerEvents = await EventProbe.ConnectAsync(two.Front.BaseAddress, peer.Token);
        await using var db = NpgsqlDataSource.Create(two.Servers.Postgres.DirectConnectionString);

        // The watched user's first connection is announced to instance 0, the second to instance 1; each
        // disconnect reaches the instance that did not record it.
        var connects = 0;
        var disconnects = 0;
        two.Upstream.Route = r => !Guid.TryParse(r.Headers["X-ASRS-User-Id"].ToString(), out var user) || user != watched.Id
            ? null
            : r.Path.Value!.EndsWith("/connected", StringComparison.Ordinal) ? (Interlocked.Increment(ref connects) - 1) & 1
            : r.Path.Value.EndsWith("/disconnected", StringComparison.Ordinal) ? Interlocked.Increment(ref disconnects) & 1
            : null;
        try
        {
            var phone = await EventProbe.ConnectAsync(two.Hosts[0].BaseAddress, watched.Token); // negotiated at instance 0
            var online = await peerEvents.WaitForAsync("presence", e => e.GetProperty("data").GetProperty("userId").GetGuid() == watched.Id);
            Assert.Equal("online", online.Data.GetProperty("status").GetString());
            var laptop = await EventProbe.ConnectAsync(two.Hosts[1].BaseAddress, watched.Token); // and at instance 1
            await Eventually.True(async () => await ConnectionsAsync(db, watched.Id) == 2, TimeSpan.FromSeconds(15), "both connections to be recorded");

            await phone.DisposeAsync();
            await Eventually.True(async () => await ConnectionsAsync(db, watched.Id) == 1, TimeSpan.FromSeconds(15), "the phone's disconnect to be handled");
            // Anything the disconnect would have sent arrived before this marker.
            var marker = await stranger.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/chats/dialogs", new { userId = peer.Id });
            await peerEvents.WaitForChatEventAsync("chat.created", marker.GetProperty("id").GetGuid());
            Assert.False(peerEvents.Has("presence", e => e.GetProperty("data").GetProperty("status").GetString() == "offline"), "offline while the laptop is still connected");

            await laptop.DisposeAsync();
            var offline = await peerEvents.WaitForAsync("presence", e => e.GetProperty("data").GetProperty("status").GetString() == "offline");
            Assert.Equal(watched.Id, offline.Data.GetProperty("userId").GetGuid());
            Assert.Equal(0, await ConnectionsAsync(db, watched.Id));
        }
        finally
        {
            two.Upstream.Route = null;
        }

        var watchedEvents = two.Upstream.Served.Where(r => r.UserId is { } u && Guid.Parse(u) == watched.Id).ToList();
        Assert.Equal([0, 1], watchedEvents.Where(r => r.Path.EndsWith("/connected", StringComparison.Ordinal)).Select(r => r.Backend));
        Assert.Equal([1, 0], watchedEvents.Where(r => r.Path.EndsWith("/disconnected", StringComparison.Ordinal)).Select(r => r.Backend));
    }

    [Fact]
    public async Task Messages_sent_alternately_through_both_instances_reach_every_member_once_with_no_gap()
    {
        var two = await env.TwoInstancesAsync();
        using var http = two.Client();
        var owner = await ChatUser.RegisterAsync(http);
        var ann = await ChatUser.RegisterAsync(http);
        var ben = await ChatUser.RegisterAsync(http);
        var members = new[] { owner, ann, ben };
        var probes = new List<EventProbe>();
        try
        {
            foreach (var member in members)
            {
                probes.Add(await EventProbe.ConnectAsync(two.Front.BaseAddress, member.Token));
            }

            var chatId = await owner.CreateGroupAsync(members: [ann, ben]);
            foreach (var probe in probes)
            {
                await probe.WaitForChatEventAsync("chat.created", chatId);
            }

            var sendsBefore = two.Front.Served.Count;
            var sent = new List<Guid>();
            for (var i = 0; i < 20; i++)
            {
                var sender = members[i % 2]; // owner and ann in turn, each request to the next instance
                var message = await sender.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{chatId}/messages", new { clientMessageId = Guid.NewGuid().ToString(), text = $"m{i}" });
                sent.Add(message.GetProperty("id").GetGuid());
            }

            Assert.Equal([0, 1], two.Front.Served.Skip(sendsBefore).Where(r => r.Path.EndsWith("/messages", StringComparison.Ordinal)).Select(r => r.Backend).Distinct().Order());
            // A later event of the chat arrived after every publish of the sends (and any duplicate a dispatcher would make).
            await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"api/chats/{chatId}", new { title = "marker" });
            foreach (var probe in probes)
            {
                await probe.WaitForAsync("chat.updated", e => e.GetProperty("data").GetProperty("title").GetString() == "marker");
                await Eventually.True(() => Task.FromResult(Created(probe, chatId).Count >= sent.Count), TimeSpan.FromSeconds(15), "all 20 messages");
                var created = Created(probe, chatId);
                Assert.Equal(sent.Count, created.Count); // each once
                Assert.Equal(sent.Count, created.Select(e => e.Envelope.GetProperty("eventId").GetString()).Distinct().Count());
                Assert.Equal(sent.Order(), created.Select(e => e.Data.GetProperty("id").GetGuid()).Order());
                var seqs = created.Select(e => e.Seq!.Value).Order().ToList();
                Assert.Equal(Enumerable.Range((int)seqs[0], sent.Count).Select(s => (long)s), seqs); // no gap
            }
        }
        finally
        {
            foreach (var probe in probes)
            {
                await probe.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task With_dispatchers_running_on_both_instances_each_outbox_row_is_published_once()
    {
        var two = await env.TwoInstancesAsync();
        using var http = two.Client();
        var owner = await ChatUser.RegisterAsync(http);
        var reader = await ChatUser.RegisterAsync(http);
        await using var events = await EventProbe.ConnectAsync(two.Front.BaseAddress, reader.Token);
        var chatId = await owner.CreateGroupAsync(members: [reader]);
        await events.WaitForChatEventAsync("chat.created", chatId);

        // The service refuses the requests' own publishes, so every edit's event is left to the dispatchers.
        const int Edits = 30;
        var group = $"chat:{chatId:N}";
        long sends;
        two.SignalR.RestPaused = true;
        try
        {
            for (var i = 0; i < Edits; i++)
            {
                await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"api/chats/{chatId}", new { title = $"edit {i}" });
            }
        }
        finally
        {
            // Read while the calls are still refused (those are not counted): every send to the chat after it is a delivery.
            sends = two.SignalR.SendsToGroup(group);
            two.SignalR.RestPaused = false;
        }

        // Both instances dispatch at once, again and again, besides the timer on the instance that holds it.
        await Eventually.True(
            async () =>
            {
                await Task.WhenAll(two.Hosts.Select(h => h.InvokeAsync("OutboxDispatcher", "", Ct)));
                return Titles(events).Count(t => t.StartsWith("edit ", StringComparison.Ordinal)) >= Edits;
            },
            TimeSpan.FromSeconds(60),
            $"the {Edits} edits' events to be dispatched");
        await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"api/chats/{chatId}", new { title = "marker" });
        await events.WaitForAsync("chat.updated", e => e.GetProperty("data").GetProperty("title").GetString() == "marker", TimeSpan.FromSeconds(30));
        await Task.WhenAll(two.Hosts.Select(h => h.InvokeAsync("OutboxDispatcher", "", Ct)));

        // One group send per row: no row was claimed by both dispatchers, nor sent again after it was retired.
        Assert.Equal(Edits + 1, two.SignalR.SendsToGroup(group) - sends);
        var updates = events.Events.Where(e => e.Target == "chat.updated" && e.Envelope.GetProperty("chatId").GetString() == chatId.ToString()).ToList();
        Assert.Equal(Edits + 1, updates.Count);
        Assert.Equal(Edits + 1, updates.Select(e => e.Envelope.GetProperty("eventId").GetString()).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, Edits).Select(i => $"edit {i}").Order(StringComparer.Ordinal), Titles(events).Where(t => t.StartsWith("edit ", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_unanswered_call_goes_missed_once_with_one_event_per_device_and_one_record()
    {
        var two = await env.TwoInstancesAsync();
        using var http = two.Client();
        var (alice, bob, dialog) = await CallTests.DialogAsync(http);
        await using var aliceEvents = await EventProbe.ConnectAsync(two.Front.BaseAddress, alice.Token);
        await using var bobPhone = await EventProbe.ConnectAsync(two.Hosts[0].BaseAddress, bob.Token);
        await using var bobLaptop = await EventProbe.ConnectAsync(two.Hosts[1].BaseAddress, bob.Token);
        var devices = new[] { aliceEvents, bobPhone, bobLaptop };
        var callId = (await alice.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/calls", new { chatId = dialog })).GetProperty("id").GetGuid();
        await bobPhone.WaitForAsync("call.incoming", e => e.GetProperty("data").GetProperty("id").GetGuid() == callId);
        await bobLaptop.WaitForAsync("call.incoming", e => e.GetProperty("data").GetProperty("id").GetGuid() == callId);

        // Both instances poll the ring-timeout queue.
        foreach (var device in devices)
        {
            await device.WaitForAsync("call.updated", e => IsMissed(e, callId), TimeSpan.FromSeconds(30));
        }

        // A later event in the dialog arrived after anything a second timeout run would have sent.
        await bob.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{dialog}/messages", new { clientMessageId = Guid.NewGuid().ToString(), text = "sorry, missed it" });
        foreach (var device in devices)
        {
            await device.WaitForAsync("message.created", e => e.GetProperty("data").GetProperty("text").GetString() == "sorry, missed it");
            Assert.Single(device.Events, e => e.Target == "call.updated" && IsMissed(e.Envelope, callId));
        }

        var history = await alice.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{dialog}/messages");
        var records = history.GetProperty("items").EnumerateArray().Where(m => m.TryGetProperty("call", out var c) && c.ValueKind == System.Text.Json.JsonValueKind.Object && c.GetProperty("callId").GetGuid() == callId).ToList();
        Assert.Equal("missed", Assert.Single(records).GetProperty("call").GetProperty("status").GetString());
        Assert.Single(bobPhone.Events, e => e.Target == "message.created" && e.Data.TryGetProperty("call", out var c) && c.ValueKind == System.Text.Json.JsonValueKind.Object && c.GetProperty("callId").GetGuid() == callId);
    }

    [Fact]
    public async Task A_call_and_a_live_room_signal_between_people_connected_through_different_instances()
    {
        var two = await env.TwoInstancesAsync();
        using var http = two.Client();
        var (alice, bob, dialog) = await CallTests.DialogAsync(http);
        await using var aliceEvents = await EventProbe.ConnectAsync(two.Hosts[0].BaseAddress, alice.Token);
        await using var bobEvents = await EventProbe.ConnectAsync(two.Hosts[1].BaseAddress, bob.Token);
        var upstreamBefore = two.Upstream.Served.Count;

        var callId = (await alice.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/calls", new { chatId = dialog, video = true })).GetProperty("id").GetGuid();
        await bobEvents.WaitForAsync("call.incoming", e => e.GetProperty("data").GetProperty("id").GetGuid() == callId);
        await bob.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/calls/{callId}/accept");
        await aliceEvents.WaitForAsync("call.updated", e => e.GetProperty("data").GetProperty("id").GetGuid() == callId && e.GetProperty("data").GetProperty("status").GetString() == "active");
        // Hub calls go up through the service's upstream, to one instance and then the other.
        for (var i = 0; i < 4; i++)
        {
            var (from, to, toUser) = i % 2 == 0 ? (aliceEvents, bobEvents, bob) : (bobEvents, aliceEvents, alice);
            var candidate = $"candidate:{i} 1 udp 1 10.0.0.{i} 5000 typ host";
            await from.Hub.InvokeAsync<object>("callSignal", new { callId, toUserId = toUser.Id, kind = "ice", payload = candidate }, Ct);
            await to.WaitForAsync("call.signal", e => e.GetProperty("data").GetProperty("payload").GetString() == candidate);
        }

        await bob.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/calls/{callId}/end");
        await aliceEvents.WaitForAsync("call.updated", e => e.GetProperty("data").GetProperty("id").GetGuid() == callId && e.GetProperty("data").GetProperty("status").GetString() == "ended");
        Assert.Equal(4, aliceEvents.Events.Count(e => e.Target == "call.signal") + bobEvents.Events.Count(e => e.Target == "call.signal"));

        // A live room in a group: state to every member, signals between two participants.
        var group = await alice.CreateGroupAsync(members: [bob]);
        var live = $"api/chats/{group}/live";
        await alice.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, live);
        await bobEvents.WaitForAsync("live.state", e => e.GetProperty("chatId").GetGuid() == group && e.GetProperty("data").GetProperty("active").GetBoolean());
        await bob.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"{live}/join");
        await aliceEvents.WaitForAsync("live.state", e => e.GetProperty("chatId").GetGuid() == group && e.GetProperty("data").GetProperty("listenerCount").GetInt32() == 1);
        for (var i = 0; i < 2; i++)
        {
            var (from, to, toUser) = i == 0 ? (bobEvents, aliceEvents, alice) : (aliceEvents, bobEvents, bob);
            await from.Hub.InvokeAsync<object>("liveSignal", new { chatId = group, toUserId = toUser.Id, kind = "offer", payload = new { sdp = $"v=0 {i}" } }, Ct);
            await to.WaitForAsync("live.signal", e => e.GetProperty("data").GetProperty("payload").GetProperty("sdp").GetString() == $"v=0 {i}");
        }

        await bob.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"{live}/leave");
        await aliceEvents.WaitForAsync("live.state", e => e.GetProperty("chatId").GetGuid() == group && e.GetProperty("data").GetProperty("listenerCount").GetInt32() == 0);
        var hubCalls = two.Upstream.Served.Skip(upstreamBefore).Where(r => r.Path.Contains("/signalr/messages/", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, hubCalls.Count);
        Assert.Equal([0, 1], hubCalls.Select(r => r.Backend).Distinct().Order());
    }

    [Fact]
    public async Task A_session_ended_on_one_instance_is_refused_by_the_other_within_the_revocation_refresh()
    {
        var two = await env.TwoInstancesAsync();
        using var first = two.ClientOf(0);
        using var second = two.ClientOf(1);
        var alice = await Accounts.AccountsApi.RegisterAsync(first);
        var token = alice.Auth.AccessToken;
        Assert.Equal(HttpStatusCode.OK, await Accounts.SessionEndTests.StatusAsync(second, HttpMethod.Get, "api/users/me", token));

        Assert.Equal(HttpStatusCode.NoContent, await Accounts.SessionEndTests.StatusAsync(first, HttpMethod.Post, "api/auth/logout", token));

        // The instance that ended it refuses it at once; the other re-reads the ended sessions every 5 s
        // (Auth__RevocationRefreshInterval): that is how long an ended session's token may still work there.
        Assert.Equal(HttpStatusCode.Unauthorized, await Accounts.SessionEndTests.StatusAsync(first, HttpMethod.Get, "api/users/me", token));
        await Eventually.True(
            async () => await Accounts.SessionEndTests.StatusAsync(second, HttpMethod.Get, "api/users/me", token) == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(15),
            "the other instance to refuse the ended session");
    }

    private static List<ReceivedEvent> Created(EventProbe probe, Guid chatId) =>
        probe.Events.Where(e => e.Target == "message.created" && e.Envelope.GetProperty("chatId").GetString() == chatId.ToString()).ToList();

    private static List<string> Titles(EventProbe events) =>
        events.Events.Where(e => e.Target == "chat.updated").Select(e => e.Data.GetProperty("title").GetString()!).ToList();

    private static bool IsMissed(System.Text.Json.JsonElement envelope, Guid callId) =>
        envelope.GetProperty("data").GetProperty("id").GetGuid() == callId && envelope.GetProperty("data").GetProperty("status").GetString() == "missed";

    private static async Task<long> ConnectionsAsync(NpgsqlDataSource db, Guid userId)
    {
        await using var command = db.CreateCommand($"SELECT count(*) FROM user_connections WHERE user_id = '{userId}'");
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
