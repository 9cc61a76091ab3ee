using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using DistaHilar.Tests.Realtime;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace DistaHilar.Tests.Calls;

/// <summary>1:1 calls through the realtime app: official SignalR clients via negotiate and the emulator's upstream.</summary>
public sealed class CallTests(TestEnvironment env)
{
    private static readonly string[] IceBatch = ["candidate:1 1 udp 1 10.0.0.2 5000 typ host", "candidate:2 1 udp 1 10.0.0.2 5001 typ host"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_full_call_rings_relays_offer_answer_and_ice_both_ways_is_answered_and_ends_with_a_record()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var (alice, bob, dialog) = await DialogAsync(http);
        await using var aliceEvents = await EventProbe.ConnectAsync(app.BaseAddress, alice.Token);
        await using var bobEvents = await EventProbe.ConnectAsync(app.BaseAddress, bob.Token);

        var call = await alice.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/calls", new { chatId = dialog, video = true });
        var callId = call.GetProperty("id").GetGuid();
        Assert.Equal(("ringing", true), (call.GetProperty("status").GetString(), call.GetProperty("video").GetBoolean()));
        var incoming = await bobEvents.WaitForAsync("call.incoming", e => e.GetProperty("data").GetProperty("id").GetGuid() == callId);
        Assert.Equal(alice.Id, incoming.Data.GetProperty("callerId").GetGuid());

        // The offer goes out while it rings (the test app's ring timeout is short, so the answer comes right after).
        await aliceEvents.Hub.InvokeAsync<object>("callSignal", new { callId, toUserId = bob.Id, kind = "offer", payload = new { type = "offer", sdp = "v=0 offer" } }, Ct);
        var offer = await bobEvents.WaitForAsync("call.signal", e => e.GetProperty("data").GetProperty("kind").GetString() == "offer");
        Assert.Equal((callId, alice.Id, "v=0 offer"), (offer.Data.GetProperty("callId").GetGuid(), offer.Data.GetProperty("fromUserId").GetGuid(), offer.Data.GetProperty("payload").GetProperty("sdp").GetString()));
        var active = await bob.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/calls/{callId}/accept");
        Assert.Equal("active", active.GetProperty("status").GetString());
        await aliceEvents.WaitForAsync("call.updated", e => e.GetProperty("data").GetProperty("status").GetString() == "active");

        // Answer and ICE both ways, through the hub (the service's upstream) and the REST fallback, each to the other side only.
        await bobEvents.Hub.InvokeAsync<object>("callSignal", new { callId, toUserId = alice.Id, kind = "answer", payload = new { type = "answer", sdp = "v=0 answer" } }, Ct);
        await aliceEvents.WaitForAsync("call.signal", e => e.GetProperty("data").GetProperty("kind").GetString() == "answer");
        await bobEvents.Hub.InvokeAsync<object>("callSignal", new { callId, toUserId = alice.Id, kind = "ice", payload = IceBatch }, Ct);
        var batch = await aliceEvents.WaitForAsync("call.signal", e => e.GetProperty("data").GetProperty("kind").GetString() == "ice");
        Assert.Equal(2, batch.Data.GetProperty("payload").GetArrayLength());
        await alice.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"api/calls/{callId}/signal", new { toUserId = bob.Id, kind = "ice", payload = "candidate:3 1 udp 1 10.0.0.1 6000 typ host" });
        await bobEvents.WaitForAsync("call.signal", e => e.GetProperty("data").GetProperty("kind").GetString() == "ice");
        Assert.DoesNotContain(aliceEvents.Events, e => e.Target == "call.signal" && e.Data.GetProperty("fromUserId").GetGuid() == alice.Id);

        var ended = await alice.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/calls/{callId}/end");
        Assert.Equal(("ended", "hangup"), (ended.GetProperty("status").GetString(), ended.GetProperty("endReason").GetString()));
        Assert.True(ended.GetProperty("durationSeconds").GetInt32() >= 0);
        await bobEvents.WaitForAsync("call.updated", e => e.GetProperty("data").GetProperty("status").GetString() == "ended");

        // The dialog keeps a record of it, and the history lists it for both.
        var record = (await bob.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{dialog}/messages")).GetProperty("items")[0];
        Assert.Equal((alice.Id, JsonValueKind.Null), (record.GetProperty("senderId").GetGuid(), record.GetProperty("text").ValueKind));
        Assert.Equal((callId, "ended"), (record.GetProperty("call").GetProperty("callId").GetGuid(), record.GetProperty("call").GetProperty("status").GetString()));
        Assert.Equal(callId, (await bob.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/calls")).GetProperty("items")[0].GetProperty("id").GetGuid());
        var recordId = record.GetProperty("id").GetGuid();
        await alice.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Patch, $"api/chats/{dialog}/messages/{recordId}", new { text = "rewritten history" });
        await bob.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"api/chats/{dialog}/messages/forward", new { fromChatId = dialog, messageIds = new[] { recordId } });
        await alice.ExpectAsync(HttpStatusCode.Conflict, HttpMethod.Post, $"api/calls/{callId}/end");

        // Signals for a call that is over go nowhere.
        var late = await Assert.ThrowsAsync<HubException>(() => aliceEvents.Hub.InvokeAsync<object>("callSignal", new { callId, toUserId = bob.Id, kind = "ice", payload = "x" }, Ct));
        Assert.Contains("not found", late.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_declined_call_is_rejected_for_both_and_only_the_callee_may_answer_or_decline()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var (alice, bob, dialog) = await DialogAsync(http);
        await using var aliceEvents = await EventProbe.ConnectAsync(app.BaseAddress, alice.Token);
        var callId = (await alice.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/calls", new { chatId = dialog })).GetProperty("id").GetGuid();

        await alice.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Post, $"api/calls/{callId}/accept");
        await alice.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Post, $"api/calls/{callId}/reject");
        var rejected = await bob.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/calls/{callId}/reject");

        Assert.Equal("rejected", rejected.GetProperty("status").GetString());
        await aliceEvents.WaitForAsync("call.updated", e => e.GetProperty("data").GetProperty("id").GetGuid() == callId && e.GetProperty("data").GetProperty("status").GetString() == "rejected");
        await bob.ExpectAsync(HttpStatusCode.Conflict, HttpMethod.Post, $"api/calls/{callId}/accept");
    }

    [Fact]
    public async Task An_unanswered_call_turns_missed_after_the_ring_timeout()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var (alice, bob, dialog) = await DialogAsync(http);
        await using var bobEvents = await EventProbe.ConnectAsync(app.BaseAddress, bob.Token);
        var call = await alice.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/calls", new { chatId = dialog });
        var callId = call.GetProperty("id").GetGuid();

        var missed = await bobEvents.WaitForAsync("call.updated", e => e.GetProperty("data").GetProperty("id").GetGuid() == callId, TimeSpan.FromSeconds(30));

        Assert.Equal(("missed", "no_answer"), (missed.Data.GetProperty("status").GetString(), missed.Data.GetProperty("endReason").GetString()));
        var rang = missed.Data.GetProperty("endedAt").GetDateTimeOffset() - call.GetProperty("createdAt").GetDateTimeOffset();
        Assert.True(rang >= TimeSpan.FromSeconds(6), $"it rang for the whole timeout (6 s), not {rang}");
        var record = (await bob.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{dialog}/messages")).GetProperty("items")[0];
        Assert.Equal("missed", record.GetProperty("call").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Someone_already_in_a_call_is_busy_and_a_third_person_cannot_signal_into_a_call()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var (alice, bob, dialog) = await DialogAsync(http);
        var carol = await ChatUser.RegisterAsync(http);
        var carolDialog = (await carol.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/chats/dialogs", new { userId = bob.Id })).GetProperty("id").GetGuid();
        await using var bobEvents = await EventProbe.ConnectAsync(app.BaseAddress, bob.Token);
        await using var carolEvents = await EventProbe.ConnectAsync(app.BaseAddress, carol.Token);
        var callId = (await alice.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/calls", new { chatId = dialog })).GetProperty("id").GetGuid();

        var busy = await carol.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/calls", new { chatId = carolDialog });
        Assert.Equal(("busy", "busy"), (busy.GetProperty("status").GetString(), busy.GetProperty("endReason").GetString()));
        await carolEvents.WaitForAsync("call.updated", e => e.GetProperty("data").GetProperty("status").GetString() == "busy");

        // Carol is no participant: neither the hub nor the REST relay takes her signal, and Bob hears nothing of it.
        var refused = await Assert.ThrowsAsync<HubException>(() => carolEvents.Hub.InvokeAsync<object>("callSignal", new { callId, toUserId = bob.Id, kind = "offer", payload = "sdp" }, Ct));
        Assert.Contains("not found", refused.Message, StringComparison.Ordinal);
        await carol.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"api/calls/{callId}/signal", new { toUserId = bob.Id, kind = "offer", payload = "sdp" });
        await carol.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"api/calls/{callId}/accept");
        await bob.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"api/calls/{callId}/signal", new { toUserId = alice.Id, kind = "bye", payload = "x" });
        await bob.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"api/calls/{callId}/signal", new { toUserId = alice.Id, kind = "offer", payload = new string('x', 40_000) });
        Assert.DoesNotContain(bobEvents.Events, e => e.Target == "call.signal");
        Assert.DoesNotContain(bobEvents.Events, e => e.Target == "call.incoming" && e.Data.GetProperty("callerId").GetGuid() == carol.Id);
        await alice.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/calls/{callId}/end");
    }

    [Fact]
    public async Task Of_two_racing_accepts_one_wins_and_the_other_finds_the_call_answered()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var (alice, bob, dialog) = await DialogAsync(http);
        var callId = (await alice.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/calls", new { chatId = dialog })).GetProperty("id").GetGuid();

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => bob.CallAsync(HttpMethod.Post, $"api/calls/{callId}/accept")));

        Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.Status));
        await alice.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/calls/{callId}/end");
    }

    [Fact]
    public async Task A_participant_whose_last_connection_goes_leaves_the_call_after_the_grace_period()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var (alice, bob, dialog) = await DialogAsync(http);
        await using var aliceEvents = await EventProbe.ConnectAsync(app.BaseAddress, alice.Token);
        var bobPhone = await EventProbe.ConnectAsync(app.BaseAddress, bob.Token);
        var callId = (await alice.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/calls", new { chatId = dialog })).GetProperty("id").GetGuid();
        await bobPhone.WaitForAsync("call.incoming", e => e.GetProperty("data").GetProperty("id").GetGuid() == callId);
        await bob.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/calls/{callId}/accept");

        await bobPhone.DisposeAsync();

        var ended = await aliceEvents.WaitForAsync(
            "call.updated",
            e => e.GetProperty("data").GetProperty("id").GetGuid() == callId && e.GetProperty("data").GetProperty("status").GetString() == "ended",
            TimeSpan.FromSeconds(30));
        Assert.Equal("disconnected", ended.Data.GetProperty("endReason").GetString());
    }

    [Fact]
    public async Task Ice_servers_carry_turn_credentials_coturn_accepts()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);

        var ice = await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/calls/ice-servers");

        var servers = ice.GetProperty("iceServers");
        Assert.Equal(servers.GetRawText(), ice.GetProperty("servers").GetRawText()); // the deprecated alias
        Assert.Equal("stun:stun.test.invalid:3478", servers[0].GetProperty("urls")[0].GetString());
        var turn = servers[1];
        Assert.Equal(2, turn.GetProperty("urls").GetArrayLength());
        var username = turn.GetProperty("username").GetString()!;
        var expiry = DateTimeOffset.FromUnixTimeSeconds(long.Parse(username.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(me.Id.ToString("N"), username.Split(':')[1]);
        Assert.InRange(expiry, DateTimeOffset.UtcNow.AddMinutes(50), DateTimeOffset.UtcNow.AddMinutes(70));
#pragma warning disable CA5350 // the TURN REST scheme is HMAC-SHA1
        var expected = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(TestEnvironment.TurnSecret), Encoding.UTF8.GetBytes(username)));
#pragma warning restore CA5350
        Assert.Equal(expected, turn.GetProperty("credential").GetString());
        Assert.DoesNotContain(TestEnvironment.TurnSecret, ice.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_are_made_in_dialogs_by_their_members()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var (alice, bob, dialog) = await DialogAsync(http);
        var stranger = await ChatUser.RegisterAsync(http);
        var group = await alice.CreateGroupAsync(members: [bob]);

        await stranger.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, "api/calls", new { chatId = dialog });
        await alice.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "api/calls", new { chatId = group });
        await alice.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "api/calls", new { });
        await stranger.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Get, "api/calls?cursor=%%%");
        Assert.Equal(0, (await stranger.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/calls")).GetProperty("items").GetArrayLength());

        // The history pages newest first, without repeats or gaps.
        var made = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var id = (await alice.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/calls", new { chatId = dialog })).GetProperty("id").GetGuid();
            await alice.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/calls/{id}/end");
            made.Add(id);
        }

        var first = await bob.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/calls?limit=2");
        var second = await bob.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/calls?limit=2&cursor={Uri.EscapeDataString(first.GetProperty("nextCursor").GetString()!)}");
        var listed = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(c => c.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(Enumerable.Reverse(made).ToList(), listed);
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
    }

    internal static async Task<(ChatUser A, ChatUser B, Guid Dialog)> DialogAsync(HttpClient http)
    {
        var a = await ChatUser.RegisterAsync(http);
        var b = await ChatUser.RegisterAsync(http);
        var dialog = (await a.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/chats/dialogs", new { userId = b.Id })).GetProperty("id").GetGuid();
        return (a, b, dialog);
    }
}
