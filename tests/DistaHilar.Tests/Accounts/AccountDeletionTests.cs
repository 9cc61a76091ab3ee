using System.Net;
using System.Text.Json;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using DistaHilar.Tests.Realtime;

namespace DistaHilar.Tests.Accounts;

/// <summary>
/// Deleting an account, in one transaction: every connection closes, groups and channels are left (owned ones go to
/// the longest-serving admin, else member, else are deleted), calls and live rooms end; the others hear it live.
/// </summary>
public sealed class AccountDeletionTests(TestEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Deletion_closes_connections_hands_chats_over_leaves_the_rest_and_ends_calls_and_rooms()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var leaving = await ChatUser.RegisterAsync(http);
        var veteran = await ChatUser.RegisterAsync(http);
        var admin = await ChatUser.RegisterAsync(http);
        var other = await ChatUser.RegisterAsync(http);
        var phone = await AccountsApi.LoginOkAsync(http, leaving.Account);

        // Owned with an admin who joined after a plain member: the admin takes over.
        var withAdmin = await leaving.CreateGroupAsync(members: [veteran]);
        await leaving.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{withAdmin}/members", new { userIds = new[] { admin.Id } });
        await leaving.SetRoleAsync(withAdmin, admin, "admin");
        // Owned with members only: the longest-serving one takes over. Owned alone: deleted.
        var membersOnly = await leaving.CreateGroupAsync("channels", members: [veteran, other]);
        var alone = await leaving.CreateGroupAsync();
        // Someone else's group with a live room the leaving user is in.
        var othersGroup = await other.CreateGroupAsync(members: [leaving]);
        await other.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{othersGroup}/live");
        await leaving.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{othersGroup}/live/join");
        // A ringing call in a dialog.
        var dialog = (await other.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/chats/dialogs", new { userId = leaving.Id })).GetProperty("id").GetGuid();
        var callId = (await other.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/calls", new { chatId = dialog })).GetProperty("id").GetGuid();

        await using var otherEvents = await EventProbe.ConnectAsync(app.BaseAddress, other.Token);
        await using var laptop = await Device.ConnectAsync(app.BaseAddress, leaving.Token);
        await using var mobile = await Device.ConnectAsync(app.BaseAddress, phone.AccessToken);

        await leaving.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, "api/users/me", new { password = leaving.Account.Password });

        await laptop.Closed.WaitAsync(TimeSpan.FromSeconds(15), Ct);
        await mobile.Closed.WaitAsync(TimeSpan.FromSeconds(15), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, await SessionEndTests.StatusAsync(http, HttpMethod.Get, "api/users/me", phone.AccessToken));

        Assert.Equal("owner", await RoleAsync(admin, withAdmin, admin.Id));
        Assert.Equal("member", await RoleAsync(admin, withAdmin, veteran.Id));
        Assert.Equal("owner", await RoleAsync(veteran, membersOnly, veteran.Id));
        Assert.Equal("member", await RoleAsync(veteran, membersOnly, other.Id));
        foreach (var chat in new[] { withAdmin, membersOnly, othersGroup })
        {
            var members = await other.CallAsync(HttpMethod.Get, $"api/chats/{chat}/members?limit=100");
            if (members.Status == HttpStatusCode.OK)
            {
                Assert.DoesNotContain(members.Body.GetProperty("items").EnumerateArray(), m => m.GetProperty("user").GetProperty("id").GetGuid() == leaving.Id);
            }
        }

        Assert.Equal(2, (await veteran.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{withAdmin}")).GetProperty("memberCount").GetInt32());
        await veteran.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/chats/{alone}");
        await otherEvents.WaitForAsync("member.left", e => e.GetProperty("chatId").GetGuid() == othersGroup && e.GetProperty("data").GetProperty("userId").GetGuid() == leaving.Id);

        // The room goes on without them; the call ended for the other side.
        var room = await other.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{othersGroup}/live");
        Assert.Equal(0, room.GetProperty("listenerCount").GetInt32());
        var ended = await otherEvents.WaitForAsync("call.updated", e => e.GetProperty("data").GetProperty("id").GetGuid() == callId && e.GetProperty("data").GetProperty("status").GetString() != "ringing");
        Assert.Equal("account_deleted", ended.Data.GetProperty("endReason").GetString());
        // The dialog stays for the other person, with the deleted account on the other side.
        await other.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{dialog}");
    }

    private static async Task<string?> RoleAsync(ChatUser viewer, Guid chatId, Guid userId)
    {
        var members = await viewer.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}/members?limit=100");
        return members.GetProperty("items").EnumerateArray().Where(m => m.GetProperty("user").GetProperty("id").GetGuid() == userId).Select(m => m.GetProperty("role").GetString()).SingleOrDefault();
    }
}
