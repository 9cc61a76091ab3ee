using System.Net;
using System.Text.Json;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Infrastructure;
using DistaHilar.Tests.Realtime;

namespace DistaHilar.Tests.Chats;

/// <summary>The chat list and folders through the app.</summary>
public sealed class ChatListTests(TestEnvironment env)
{
    [Fact]
    public async Task The_list_is_newest_first_paginated_and_personal()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);
        var friend = await ChatUser.RegisterAsync(http);
        var created = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            created.Add(await me.CreateGroupAsync(i % 2 == 0 ? "groups" : "channels", members: [friend], title: $"chat {i}"));
        }

        var dialog = (await friend.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/chats/dialogs", new { userId = me.Id })).GetProperty("id").GetGuid();
        created.Add(dialog);
        await me.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"api/chats/{created[1]}/mute");

        var seen = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/chats?limit=2" + (cursor is null ? "" : "&cursor=" + cursor));
            Assert.True(page.GetProperty("items").GetArrayLength() <= 2);
            seen.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Reverse(created), seen.Select(c => c.GetProperty("id").GetGuid()));
        var top = seen[0];
        Assert.Equal("dialog", top.GetProperty("type").GetString());
        Assert.Equal(friend.Id, top.GetProperty("peer").GetProperty("id").GetGuid());
        Assert.Equal(friend.Account.Auth.User.Name, top.GetProperty("title").GetString());
        Assert.Equal("owner", seen[1].GetProperty("myRole").GetString());
        Assert.Equal(2, seen[1].GetProperty("memberCount").GetInt32());
        Assert.True(seen.Single(c => c.GetProperty("id").GetGuid() == created[1]).GetProperty("muted").GetBoolean());
        Assert.Equal(0, top.GetProperty("unreadCount").GetInt32());

        // The friend sees the same chats with their own role.
        var theirs = await friend.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/chats");
        Assert.All(theirs.GetProperty("items").EnumerateArray().Where(c => c.GetProperty("type").GetString() != "dialog"), c => Assert.Equal("member", c.GetProperty("myRole").GetString()));

        // A dialog deleted for me leaves my list (not theirs) until it is started again.
        await me.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/chats/{dialog}");
        Assert.DoesNotContain((await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/chats")).GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetGuid() == dialog);
        Assert.Contains((await friend.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/chats")).GetProperty("items").EnumerateArray(), c => c.GetProperty("id").GetGuid() == dialog);

        await me.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Get, "api/chats?cursor=not-a-cursor");
        await me.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Get, "api/chats?limit=101");
        await me.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Get, "api/chats?folderId=nope");
    }

    [Fact]
    public async Task Each_chat_says_the_seq_of_its_latest_event_so_a_client_can_count_on_from_it()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);
        var friend = await ChatUser.RegisterAsync(http);
        var since = (await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/updates")).GetProperty("nextCursor").GetString();
        var chatId = await me.CreateGroupAsync(members: [friend]);
        var sent = await friend.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{chatId}/messages", new { clientMessageId = "c1", text = "hello" });
        await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, $"api/chats/{chatId}/messages/{sent.GetProperty("id").GetGuid()}/reactions", new { emoji = "👍" });

        async Task<long> LatestLoggedAsync() =>
            (await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/updates?since={since}&limit=500")).GetProperty("items").EnumerateArray()
                .Where(e => e.GetProperty("chatId").ValueKind == JsonValueKind.String && e.GetProperty("chatId").GetGuid() == chatId && e.GetProperty("seq").ValueKind == JsonValueKind.Number)
                .Select(e => e.GetProperty("seq").GetInt64()).DefaultIfEmpty(0).Max();
        async Task<long> ListedAsync(ChatUser user) =>
            (await user.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/chats")).GetProperty("items").EnumerateArray()
                .Single(c => c.GetProperty("id").GetGuid() == chatId).GetProperty("eventSeq").GetInt64();

        // The change log holds events back while an older transaction is open (another test's, on the shared database).
        var latest = await Eventually.Returns(LatestLoggedAsync, l => l >= 3, TimeSpan.FromSeconds(30), "the change log to have the chat's creation, message and reaction");
        Assert.Equal(latest, await ListedAsync(me));
        Assert.Equal(latest, await ListedAsync(friend));
    }

    [Fact]
    public async Task Folders_hold_my_chats_filter_the_list_and_sync_to_my_devices()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);
        var other = await ChatUser.RegisterAsync(http);
        await using var myDevice = await EventProbe.ConnectAsync(app.BaseAddress, me.Token);
        var work = await me.CreateGroupAsync(title: "work");
        var family = await me.CreateGroupAsync(title: "family");
        var notMine = await other.CreateGroupAsync();

        await me.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "api/folders", new { name = "x", chatIds = new[] { notMine } });
        await me.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "api/folders", new { name = "", chatIds = Array.Empty<Guid>() });
        await me.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "api/folders", new { name = new string('n', 33) });
        Assert.Equal(0, (await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/folders")).GetProperty("items").GetArrayLength());

        var folder = await me.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/folders", new { name = "Work", icon = "💼", chatIds = new[] { work } });
        var folderId = folder.GetProperty("id").GetGuid();
        var pushed = await myDevice.WaitForAsync("folder.updated", e => e.GetProperty("data").GetProperty("folderId").GetGuid() == folderId);
        Assert.Equal("Work", pushed.Data.GetProperty("folder").GetProperty("name").GetString());

        var filtered = await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats?folderId={folderId}");
        Assert.Equal([work], filtered.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
        await me.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"api/folders/{folderId}/chats/{family}");
        await me.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"api/folders/{folderId}/chats/{family}"); // again: no change
        await me.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Put, $"api/folders/{folderId}/chats/{notMine}");
        Assert.Equal(2, (await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats?folderId={folderId}")).GetProperty("items").GetArrayLength());
        await me.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/folders/{folderId}/chats/{work}");
        var renamed = await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"api/folders/{folderId}", new { name = "Home" });
        Assert.Equal("Home", renamed.GetProperty("name").GetString());
        Assert.Equal([family], renamed.GetProperty("chatIds").EnumerateArray().Select(c => c.GetGuid()));

        // Someone else's folder does not exist for me.
        await other.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/chats?folderId={folderId}");
        await other.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Patch, $"api/folders/{folderId}", new { name = "mine" });
        await other.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Delete, $"api/folders/{folderId}");

        for (var i = 1; i < 10; i++)
        {
            await me.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/folders", new { name = $"f{i}" });
        }

        await me.ExpectAsync(HttpStatusCode.UnprocessableEntity, HttpMethod.Post, "api/folders", new { name = "eleventh" });
        await me.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/folders/{folderId}");
        await myDevice.WaitForAsync("folder.updated", e => e.GetProperty("data").GetProperty("deleted").GetBoolean());
        Assert.Equal(9, (await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/folders")).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Search_finds_my_chats_public_chats_and_users_but_never_private_chats_of_others()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);
        var other = await ChatUser.RegisterAsync(http);
        var word = "zq" + Guid.NewGuid().ToString("N")[..8];
        var myGroup = await me.CreateGroupAsync(title: $"My {word} group");
        var theirSecret = await other.CreateGroupAsync(title: $"Secret {word} plans");
        var theirPublic = await other.CreateGroupAsync("channels", isPublic: true, title: $"Public {word} news");
        var dialog = (await me.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/chats/dialogs", new { userId = other.Id })).GetProperty("id").GetGuid();

        var found = await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/search?q={word.ToUpperInvariant()}");
        Assert.Equal([myGroup], found.GetProperty("chats").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
        Assert.Equal([theirPublic], found.GetProperty("publicChats").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
        Assert.DoesNotContain(theirSecret.ToString(), found.ToString(), StringComparison.Ordinal);

        // A dialog is found by the peer's username; the user section finds them too.
        var byPeer = await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/search?q={other.Account.Username}");
        Assert.Contains(byPeer.GetProperty("chats").EnumerateArray(), c => c.GetProperty("id").GetGuid() == dialog);
        Assert.Contains(byPeer.GetProperty("users").EnumerateArray(), u => u.GetProperty("id").GetGuid() == other.Id);

        // Once joined, a public chat moves to my section.
        await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{theirPublic}/join");
        var joined = await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/search?q={word}");
        Assert.Equal(2, joined.GetProperty("chats").GetArrayLength());
        Assert.Equal(0, joined.GetProperty("publicChats").GetArrayLength());

        await me.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Get, "api/chats/search?q=");
        await me.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Get, $"api/chats/search?q={new string('a', 65)}");
        await me.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Get, "api/chats/search?q=ab&limit=0");
        // LIKE wildcards are text, not patterns.
        Assert.Equal(0, (await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/chats/search?q=%25%25%25")).GetProperty("chats").GetArrayLength());
    }
}
