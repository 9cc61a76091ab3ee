using System.Net;
using System.Text.Json;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Infrastructure;
using DistaHilar.Tests.Realtime;

namespace DistaHilar.Tests.Chats;

/// <summary>Dialogs, invites, joins, leaves, kicks and roles through the app, with members listening over realtime.</summary>
public sealed class ChatFlowTests(TestEnvironment env)
{
    [Fact]
    public async Task Dialog_creation_raced_from_both_sides_yields_one_dialog()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var a = await ChatUser.RegisterAsync(http);
        var b = await ChatUser.RegisterAsync(http);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            (i % 2 == 0 ? a : b).CallAsync(HttpMethod.Post, "api/chats/dialogs", new { userId = (i % 2 == 0 ? b : a).Id })));

        Assert.All(attempts, r => Assert.Contains(r.Status, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));
        Assert.Single(attempts, r => r.Status == HttpStatusCode.Created);
        Assert.Single(attempts.Select(r => r.Body.GetProperty("id").GetGuid()).Distinct());
        var seenByA = attempts.First(r => r.Body.GetProperty("peer").GetProperty("id").GetGuid() == b.Id).Body;
        Assert.Equal("dialog", seenByA.GetProperty("type").GetString());
        Assert.Equal(2, seenByA.GetProperty("memberCount").GetInt32());
    }

    [Fact]
    public async Task Dialogs_hide_for_me_come_back_when_started_again_and_delete_for_both()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var a = await ChatUser.RegisterAsync(http);
        var b = await ChatUser.RegisterAsync(http);
        var id = (await a.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/chats/dialogs", new { userId = b.Id })).GetProperty("id").GetGuid();

        await a.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/chats/{id}");
        await b.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{id}");
        Assert.Equal(id, (await a.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "api/chats/dialogs", new { userId = b.Id })).GetProperty("id").GetGuid());

        await b.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Delete, $"api/chats/{id}?forEveryone=perhaps");
        await b.ExpectAsync(HttpStatusCode.UnprocessableEntity, HttpMethod.Post, $"api/chats/{id}/leave");
        await b.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/chats/{id}?forEveryone=true");
        await a.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/chats/{id}");
        Assert.NotEqual(id, (await a.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/chats/dialogs", new { userId = b.Id })).GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Invite_links_rotate_and_joins_and_leaves_reach_the_members_in_sequence()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var owner = await ChatUser.RegisterAsync(http);
        var joiner = await ChatUser.RegisterAsync(http);
        await using var ownerEvents = await EventProbe.ConnectAsync(app.BaseAddress, owner.Token);
        var chatId = await owner.CreateGroupAsync();
        var created = await ownerEvents.WaitForChatEventAsync("chat.created", chatId);
        Assert.Equal(1, created.Seq);

        var first = (await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{chatId}/invite-link")).GetProperty("inviteCode").GetString()!;
        var second = (await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{chatId}/invite-link")).GetProperty("inviteCode").GetString()!;
        Assert.NotEqual(first, second);
        Assert.Equal(second, (await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}")).GetProperty("inviteCode").GetString());

        await joiner.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"api/chats/join/{first}");
        await joiner.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/chats/{chatId}");
        var joined = await joiner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/join/{second}");
        Assert.Equal("member", joined.GetProperty("myRole").GetString());
        Assert.Equal(JsonValueKind.Null, joined.GetProperty("inviteCode").ValueKind); // members do not see the code
        await joiner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/join/{second}"); // again: still one membership
        Assert.Equal(2, (await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}")).GetProperty("memberCount").GetInt32());

        var joinedEvent = await ownerEvents.WaitForChatEventAsync("member.joined", chatId);
        Assert.Equal(2, joinedEvent.Seq);
        Assert.Equal(joiner.Id, joinedEvent.Data.GetProperty("members")[0].GetProperty("user").GetProperty("id").GetGuid());

        var members = await joiner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}/members?limit=1");
        Assert.Equal(owner.Id, members.GetProperty("items")[0].GetProperty("user").GetProperty("id").GetGuid());
        var rest = await joiner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}/members?limit=1&cursor={members.GetProperty("nextCursor").GetString()}");
        Assert.Equal(joiner.Id, rest.GetProperty("items")[0].GetProperty("user").GetProperty("id").GetGuid());
        Assert.Equal(JsonValueKind.Null, rest.GetProperty("nextCursor").ValueKind);

        await joiner.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"api/chats/{chatId}/leave");
        var left = await ownerEvents.WaitForChatEventAsync("member.left", chatId);
        Assert.Equal(3, left.Seq);
        Assert.Equal(joiner.Id, left.Data.GetProperty("userId").GetGuid());
        await owner.ExpectAsync(HttpStatusCode.UnprocessableEntity, HttpMethod.Post, $"api/chats/{chatId}/leave");
    }

    [Fact]
    public async Task A_removed_member_receives_nothing_more_and_cannot_rejoin_until_added_back()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var owner = await ChatUser.RegisterAsync(http);
        var stays = await ChatUser.RegisterAsync(http);
        var kicked = await ChatUser.RegisterAsync(http);
        await using var staysEvents = await EventProbe.ConnectAsync(app.BaseAddress, stays.Token);
        await using var kickedEvents = await EventProbe.ConnectAsync(app.BaseAddress, kicked.Token);
        var chatId = await owner.CreateGroupAsync(members: [stays, kicked]);
        var code = (await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{chatId}/invite-link")).GetProperty("inviteCode").GetString();

        // Before the removal the kicked member gets the chat's events.
        await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"api/chats/{chatId}", new { title = "before" });
        await kickedEvents.WaitForAsync("chat.updated", e => e.GetProperty("data").GetProperty("title").GetString() == "before");

        await owner.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/chats/{chatId}/members/{kicked.Id}");
        var removal = await kickedEvents.WaitForChatEventAsync("member.left", chatId);
        Assert.Equal(owner.Id, removal.Data.GetProperty("removedBy").GetGuid());

        await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"api/chats/{chatId}", new { title = "after" });
        await staysEvents.WaitForAsync("chat.updated", e => e.GetProperty("data").GetProperty("title").GetString() == "after");
        // A marker sent to the kicked user afterwards: once it arrived, anything sent before it would have too.
        var other = await kicked.CreateGroupAsync();
        await kickedEvents.WaitForChatEventAsync("chat.created", other);
        Assert.False(kickedEvents.Has("chat.updated", e => e.GetProperty("data").GetProperty("title").GetString() == "after"), "the removed member got an event of the chat");

        await kicked.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/chats/{chatId}");
        await kicked.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Post, $"api/chats/join/{code}");
        await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{chatId}/members", new { userIds = new[] { kicked.Id } });
        await kicked.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}");
        await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"api/chats/{chatId}", new { title = "welcome back" });
        await kickedEvents.WaitForAsync("chat.updated", e => e.GetProperty("data").GetProperty("title").GetString() == "welcome back");
    }

    [Fact]
    public async Task Roles_follow_the_rank_rules_and_ownership_moves_only_by_handover()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var owner = await ChatUser.RegisterAsync(http);
        var admin = await ChatUser.RegisterAsync(http);
        var admin2 = await ChatUser.RegisterAsync(http);
        var member = await ChatUser.RegisterAsync(http);
        await using var memberEvents = await EventProbe.ConnectAsync(app.BaseAddress, member.Token);
        var chatId = await owner.CreateGroupAsync(members: [admin, admin2, member]);
        await owner.SetRoleAsync(chatId, admin, "admin");
        await owner.SetRoleAsync(chatId, admin2, "admin");

        await admin.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Patch, $"api/chats/{chatId}/members/{admin2.Id}", new { role = "member" });
        await admin.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Delete, $"api/chats/{chatId}/members/{owner.Id}");
        await admin.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Patch, $"api/chats/{chatId}/members/{member.Id}", new { role = "admin" });
        await admin.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Patch, $"api/chats/{chatId}/members/{member.Id}", new { role = "owner" });
        var promoted = await admin.SetRoleAsync(chatId, member, "moderator");
        Assert.Equal("moderator", promoted.GetProperty("role").GetString());
        await memberEvents.WaitForAsync("member.updated", e => e.GetProperty("data").GetProperty("members")[0].GetProperty("role").GetString() == "moderator");

        await owner.SetRoleAsync(chatId, admin, "owner");
        var after = await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}");
        Assert.Equal("admin", after.GetProperty("myRole").GetString());
        var handover = await memberEvents.WaitForAsync("member.updated", e => e.GetProperty("data").GetProperty("members").GetArrayLength() == 2);
        Assert.Contains(handover.Data.GetProperty("members").EnumerateArray(), m => m.GetProperty("userId").GetGuid() == admin.Id && m.GetProperty("role").GetString() == "owner");
        await owner.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"api/chats/{chatId}/leave");
        await admin.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/chats/{chatId}");
        await memberEvents.WaitForChatEventAsync("chat.deleted", chatId);
        await member.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/chats/{chatId}");
    }

    [Fact]
    public async Task Mute_is_personal_and_reaches_my_other_devices()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);
        var other = await ChatUser.RegisterAsync(http);
        await using var myEvents = await EventProbe.ConnectAsync(app.BaseAddress, me.Token);
        var chatId = await me.CreateGroupAsync(members: [other]);
        var until = DateTimeOffset.UtcNow.AddHours(8);

        await me.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Put, $"api/chats/{chatId}/mute", new { until = DateTimeOffset.UtcNow.AddMinutes(-1) });
        await me.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"api/chats/{chatId}/mute", new { until });
        var mine = await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}");
        Assert.True(mine.GetProperty("muted").GetBoolean());
        Assert.Equal(until, mine.GetProperty("mutedUntil").GetDateTimeOffset(), TimeSpan.FromMilliseconds(1));
        Assert.False((await other.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}")).GetProperty("muted").GetBoolean());
        var muted = await myEvents.WaitForAsync("chat.updated", e => e.GetProperty("data").TryGetProperty("muted", out var m) && m.GetBoolean());
        Assert.Equal(JsonValueKind.Null, muted.Envelope.GetProperty("seq").ValueKind); // personal: not in the chat's sequence

        await me.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"api/chats/{chatId}/mute");
        mine = await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}");
        Assert.True(mine.GetProperty("muted").GetBoolean());
        Assert.Equal(JsonValueKind.Null, mine.GetProperty("mutedUntil").ValueKind);
        await me.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/chats/{chatId}/mute");
        Assert.False((await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}")).GetProperty("muted").GetBoolean());
    }
}
