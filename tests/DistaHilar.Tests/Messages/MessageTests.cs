using System.Net;
using System.Text.Json;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using DistaHilar.Tests.Realtime;

namespace DistaHilar.Tests.Messages;

/// <summary>Sending, history and read pointers through the app.</summary>
public sealed class MessageTests(TestEnvironment env)
{
    private static object Text(string text, Guid? replyToId = null) => new { clientMessageId = Guid.NewGuid().ToString(), text, replyToId };

    [Fact]
    public async Task Parallel_sends_get_sequence_1_to_50_exactly_and_a_retry_returns_the_original()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var a = await ChatUser.RegisterAsync(http);
        var b = await ChatUser.RegisterAsync(http);
        var chatId = await a.CreateGroupAsync(members: [b]);

        var sent = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            (i % 2 == 0 ? a : b).ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{chatId}/messages", Text($"m{i}"))));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), sent.Select(m => m.GetProperty("seq").GetInt64()).Order());

        var body = new { clientMessageId = "retry-" + Guid.NewGuid(), text = "once" };
        var first = await a.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{chatId}/messages", body);
        var retries = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => a.CallAsync(HttpMethod.Post, $"api/chats/{chatId}/messages", body)));
        Assert.All(retries, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.All(retries, r => Assert.Equal(first.GetProperty("id").GetGuid(), r.Body.GetProperty("id").GetGuid()));
        var history = await a.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}/messages?limit=100");
        Assert.Equal(51, history.GetProperty("items").GetArrayLength());
        Assert.Equal(51, history.GetProperty("items")[0].GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task History_pages_exactly_in_both_directions_and_around_a_message()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var a = await ChatUser.RegisterAsync(http);
        var chatId = await a.CreateGroupAsync();
        var ids = new List<Guid>();
        for (var i = 1; i <= 30; i++)
        {
            ids.Add((await a.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{chatId}/messages", Text($"n{i}"))).GetProperty("id").GetGuid());
        }

        // Backwards from the newest, 7 at a time: every message once, newest first.
        var seen = new List<long>();
        string query = "limit=7";
        while (true)
        {
            var items = (await a.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}/messages?{query}")).GetProperty("items").EnumerateArray().ToList();
            if (items.Count == 0)
            {
                break;
            }

            seen.AddRange(items.Select(m => m.GetProperty("seq").GetInt64()));
            query = $"limit=7&before={items[^1].GetProperty("id").GetGuid()}";
        }

        Assert.Equal(Enumerable.Range(1, 30).Reverse().Select(i => (long)i), seen);

        var after = (await a.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}/messages?limit=5&after={ids[9]}")).GetProperty("items");
        Assert.Equal([15L, 14, 13, 12, 11], after.EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()));
        var around = (await a.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}/messages?limit=4&around={ids[19]}")).GetProperty("items");
        Assert.Equal([22L, 21, 20, 19], around.EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()));

        await a.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Get, $"api/chats/{chatId}/messages?before={ids[0]}&after={ids[1]}");
        await a.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Get, $"api/chats/{chatId}/messages?before=nope");
        await a.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/chats/{chatId}/messages?before={Guid.NewGuid()}");
    }

    [Fact]
    public async Task Members_send_and_receive_strangers_and_subscribers_cannot_post_replies_carry_a_preview()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var owner = await ChatUser.RegisterAsync(http);
        var member = await ChatUser.RegisterAsync(http);
        var stranger = await ChatUser.RegisterAsync(http);
        await using var memberEvents = await EventProbe.ConnectAsync(app.BaseAddress, member.Token);
        var group = await owner.CreateGroupAsync(members: [member]);
        var channel = await owner.CreateGroupAsync("channels", members: [member]);
        var other = await stranger.CreateGroupAsync();
        await memberEvents.WaitForChatEventAsync("chat.created", group);

        var first = await owner.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{group}/messages", Text(new string('x', 150)));
        var created = await memberEvents.WaitForAsync("message.created", e => e.GetProperty("data").GetProperty("id").GetGuid() == first.GetProperty("id").GetGuid());
        Assert.Equal(group, created.Envelope.GetProperty("chatId").GetGuid());
        var reply = await member.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{group}/messages", Text("reply", first.GetProperty("id").GetGuid()));
        Assert.Equal(101, reply.GetProperty("replyTo").GetProperty("preview").GetString()!.Length);

        await stranger.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"api/chats/{group}/messages", Text("let me in"));
        await stranger.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/chats/{group}/messages");
        await member.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Post, $"api/chats/{channel}/messages", Text("subscriber"));
        await owner.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{channel}/messages", Text("post"));
        await owner.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"api/chats/{group}/messages", Text("cross-chat reply", (await stranger.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{other}/messages", Text("elsewhere"))).GetProperty("id").GetGuid()));
        await owner.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"api/chats/{group}/messages", Text(new string('y', 4097)));
        await owner.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"api/chats/{group}/messages", new { text = "no key" });
        await owner.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"api/chats/{group}/messages", new { clientMessageId = "k", text = "   " });
    }

    [Fact]
    public async Task Unread_and_mention_counts_follow_sends_and_reads_and_the_chat_list_shows_the_last_message()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var writer = await ChatUser.RegisterAsync(http);
        var reader = await ChatUser.RegisterAsync(http);
        var chatId = await writer.CreateGroupAsync(members: [reader]);
        var ids = new List<Guid>();
        foreach (var text in new[] { "hello", $"hey @{reader.Account.Username}", "third", $"@{reader.Account.Username.ToUpperInvariant()} again" })
        {
            ids.Add((await writer.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{chatId}/messages", Text(text))).GetProperty("id").GetGuid());
        }

        JsonElement Item(JsonElement list) => list.GetProperty("items").EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == chatId);
        var mine = Item(await reader.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/chats"));
        Assert.Equal(4, mine.GetProperty("unreadCount").GetInt32());
        Assert.Equal(2, mine.GetProperty("unreadMentionCount").GetInt32());
        Assert.Equal(ids[3], mine.GetProperty("lastMessage").GetProperty("id").GetGuid());
        Assert.Equal(0, Item(await writer.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/chats")).GetProperty("unreadCount").GetInt32());

        var read = await reader.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{chatId}/read", new { upToMessageId = ids[1] });
        Assert.Equal(2, read.GetProperty("unreadCount").GetInt32());
        // Pointers only move forward.
        var back = await reader.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{chatId}/read", new { upToMessageId = ids[0] });
        Assert.Equal(read.GetProperty("readSeq").GetInt64(), back.GetProperty("readSeq").GetInt64());
        mine = Item(await reader.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/chats"));
        Assert.Equal(2, mine.GetProperty("unreadCount").GetInt32());
        Assert.Equal(1, mine.GetProperty("unreadMentionCount").GetInt32());

        // Deleted for everyone, or hidden for me: no longer unread, no longer the last message.
        await writer.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"api/chats/{chatId}/messages/delete", new { messageIds = new[] { ids[2] }, forEveryone = true });
        await reader.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"api/chats/{chatId}/messages/delete", new { messageIds = new[] { ids[3] }, forEveryone = false });
        mine = Item(await reader.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/chats"));
        Assert.Equal(0, mine.GetProperty("unreadCount").GetInt32());
        Assert.Equal(0, mine.GetProperty("unreadMentionCount").GetInt32());
        Assert.Equal(ids[1], mine.GetProperty("lastMessage").GetProperty("id").GetGuid());
        Assert.Equal(ids[3], Item(await writer.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/chats")).GetProperty("lastMessage").GetProperty("id").GetGuid());

        await reader.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"api/chats/{chatId}/read", new { upToMessageId = Guid.NewGuid() });
        await reader.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"api/chats/{chatId}/read", new { });
    }

    [Fact]
    public async Task Edits_are_the_authors_and_batch_deletes_are_all_or_nothing()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var owner = await ChatUser.RegisterAsync(http);
        var moderator = await ChatUser.RegisterAsync(http);
        var member = await ChatUser.RegisterAsync(http);
        await using var memberEvents = await EventProbe.ConnectAsync(app.BaseAddress, member.Token);
        var chatId = await owner.CreateGroupAsync(members: [moderator, member]);
        await owner.SetRoleAsync(chatId, moderator, "moderator");
        async Task<Guid> SendAsync(ChatUser who, string text) =>
            (await who.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{chatId}/messages", Text(text))).GetProperty("id").GetGuid();
        var ownerMessage = await SendAsync(owner, "owner's");
        var memberMessage = await SendAsync(member, "member's");
        var other = await SendAsync(member, "member's second");

        await moderator.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Patch, $"api/chats/{chatId}/messages/{memberMessage}", new { text = "not mine" });
        var edited = await member.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"api/chats/{chatId}/messages/{memberMessage}", new { text = "fixed" });
        Assert.Equal("fixed", edited.GetProperty("text").GetString());
        Assert.NotEqual(JsonValueKind.Null, edited.GetProperty("editedAt").ValueKind);
        await memberEvents.WaitForAsync("message.updated", e => e.GetProperty("data").GetProperty("text").GetString() == "fixed");

        // One id the member may not delete for everyone (the owner's) refuses the whole batch.
        await member.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Post, $"api/chats/{chatId}/messages/delete", new { messageIds = new[] { memberMessage, ownerMessage }, forEveryone = true });
        await member.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"api/chats/{chatId}/messages/delete", new { messageIds = new[] { memberMessage, Guid.NewGuid() }, forEveryone = true });
        Assert.Equal(3, (await member.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}/messages")).GetProperty("items").GetArrayLength());

        // A moderator deletes anyone's for everyone.
        await moderator.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"api/chats/{chatId}/messages/delete", new { messageIds = new[] { memberMessage, ownerMessage }, forEveryone = true });
        var deleted = await memberEvents.WaitForAsync("messages.deleted", e => e.GetProperty("data").GetProperty("forEveryone").GetBoolean());
        Assert.Equal(2, deleted.Data.GetProperty("messageIds").GetArrayLength());
        Assert.Equal([other], (await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}/messages")).GetProperty("items").EnumerateArray().Select(m => m.GetProperty("id").GetGuid()));
        await member.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Patch, $"api/chats/{chatId}/messages/{memberMessage}", new { text = "back?" });

        // For me: gone from my history only.
        await owner.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"api/chats/{chatId}/messages/delete", new { messageIds = new[] { other }, forEveryone = false });
        Assert.Equal(0, (await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}/messages")).GetProperty("items").GetArrayLength());
        Assert.Equal(1, (await member.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}/messages")).GetProperty("items").GetArrayLength());
        await owner.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"api/chats/{chatId}/messages/delete", new { messageIds = new[] { other } });
        await owner.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"api/chats/{chatId}/messages/delete", new { messageIds = Array.Empty<Guid>(), forEveryone = true });
    }

    [Fact]
    public async Task The_read_state_aggregator_counts_each_read_once_and_announces_it()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var writer = await ChatUser.RegisterAsync(http);
        var b = await ChatUser.RegisterAsync(http);
        var c = await ChatUser.RegisterAsync(http);
        await using var writerEvents = await EventProbe.ConnectAsync(app.BaseAddress, writer.Token);
        var chatId = await writer.CreateGroupAsync(members: [b, c]);
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await writer.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{chatId}/messages", Text($"r{i}"))).GetProperty("id").GetGuid());
        }

        await b.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{chatId}/read", new { upToMessageId = ids[1] });
        var announced = await writerEvents.WaitForAsync("read.updated", e => e.GetProperty("data").GetProperty("userId").GetGuid() == b.Id, TimeSpan.FromSeconds(30));
        Assert.Equal(2, announced.Data.GetProperty("readSeq").GetInt64());

        // The same event delivered again (as a queue may) changes nothing.
        var servers = await env.ServersAsync();
        var queue = Core.Storage.StorageClients.FromConnectionString(servers.AppSettings["AzureWebJobsStorage"]!).Queues.GetQueueClient("read-state");
        for (var i = 0; i < 2; i++)
        {
            await queue.SendMessageAsync(JsonSerializer.Serialize(new { chatId, userId = b.Id }), TestContext.Current.CancellationToken);
        }

        await c.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{chatId}/read", new { upToMessageId = ids[2] });
        await writerEvents.WaitForAsync("read.updated", e => e.GetProperty("data").GetProperty("userId").GetGuid() == c.Id, TimeSpan.FromSeconds(30));
        await Eventually.True(
            async () => (await queue.GetPropertiesAsync(TestContext.Current.CancellationToken)).Value.ApproximateMessagesCount == 0,
            TimeSpan.FromSeconds(30),
            "the read-state queue to drain");

        await using var db = Npgsql.NpgsqlDataSource.Create(servers.Postgres.DirectConnectionString);
        await using var counts = db.CreateCommand($"SELECT string_agg(read_count::text, ',' ORDER BY seq) FROM messages WHERE chat_id = '{chatId}'");
        // Read by b and c, by b and c, by c only.
        Assert.Equal("2,2,1", (string?)await counts.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        Assert.Single(writerEvents.Events, e => e.Target == "read.updated" && e.Data.GetProperty("userId").GetGuid() == b.Id);
    }

    [Fact]
    public async Task Pins_follow_the_rules_and_reach_the_members()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var owner = await ChatUser.RegisterAsync(http);
        var member = await ChatUser.RegisterAsync(http);
        await using var memberEvents = await EventProbe.ConnectAsync(app.BaseAddress, member.Token);
        var group = await owner.CreateGroupAsync(members: [member]);
        var dialog = (await member.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/chats/dialogs", new { userId = owner.Id })).GetProperty("id").GetGuid();
        var inGroup = (await member.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{group}/messages", Text("pin me"))).GetProperty("id").GetGuid();
        var inDialog = (await owner.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{dialog}/messages", Text("pin me too"))).GetProperty("id").GetGuid();

        await member.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Put, $"api/chats/{group}/messages/{inGroup}/pin");
        await owner.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"api/chats/{group}/messages/{inGroup}/pin");
        await owner.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"api/chats/{group}/messages/{inGroup}/pin"); // again: no change
        await memberEvents.WaitForAsync("message.updated", e => e.GetProperty("data").GetProperty("id").GetGuid() == inGroup && e.GetProperty("data").GetProperty("pinned").GetBoolean());
        Assert.True((await member.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{group}/messages")).GetProperty("items")[0].GetProperty("pinned").GetBoolean());
        Assert.Single(memberEvents.Events, e => e.Target == "message.updated" && e.Data.GetProperty("id").GetGuid() == inGroup);

        // In a dialog both sides pin.
        await member.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"api/chats/{dialog}/messages/{inDialog}/pin");
        await owner.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/chats/{dialog}/messages/{inDialog}/pin");
        Assert.False((await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{dialog}/messages")).GetProperty("items")[0].GetProperty("pinned").GetBoolean());
        await owner.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Put, $"api/chats/{dialog}/messages/{inGroup}/pin"); // another chat's message
    }

    [Fact]
    public async Task Twenty_users_reacting_at_once_give_exact_counts_and_put_replaces()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var owner = await ChatUser.RegisterAsync(http);
        var people = new List<ChatUser>();
        for (var i = 0; i < 20; i++)
        {
            people.Add(await ChatUser.RegisterAsync(http));
        }

        var stranger = await ChatUser.RegisterAsync(http);
        var chatId = await owner.CreateGroupAsync(members: people);
        await using var ownerEvents = await EventProbe.ConnectAsync(app.BaseAddress, owner.Token);
        var messageId = (await owner.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{chatId}/messages", Text("react to me"))).GetProperty("id").GetGuid();
        var path = $"api/chats/{chatId}/messages/{messageId}/reactions";

        await Task.WhenAll(people.Select((p, i) => p.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, path, new { emoji = i % 4 == 0 ? "❤️" : "👍" })));
        var counts = (await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}/messages")).GetProperty("items")[0].GetProperty("reactions");
        Assert.Equal([("👍", 15), ("❤️", 5)], counts.EnumerateArray().Select(c => (c.GetProperty("emoji").GetString()!, c.GetProperty("count").GetInt32())));
        await ownerEvents.WaitForAsync("reactions.updated", e => e.GetProperty("data").GetProperty("reactions").EnumerateArray().Sum(r => r.GetProperty("count").GetInt32()) == 20);

        // PUT replaces mine; the same again changes nothing; DELETE removes it.
        var mine = await people[1].ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, path, new { emoji = "❤️" });
        Assert.Contains(mine.GetProperty("items").EnumerateArray(), c => c.GetProperty("emoji").GetString() == "❤️" && c.GetProperty("count").GetInt32() == 6 && c.GetProperty("mine").GetBoolean());
        await people[1].ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, path, new { emoji = "❤️" });
        await people[2].ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, path);
        await people[2].ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, path);
        var after = (await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}/messages")).GetProperty("items")[0].GetProperty("reactions");
        Assert.Equal(19, after.EnumerateArray().Sum(c => c.GetProperty("count").GetInt32()));

        var hearts = await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"{path}?emoji=%E2%9D%A4%EF%B8%8F&limit=4");
        Assert.Equal(4, hearts.GetProperty("items").GetArrayLength());
        var rest = await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"{path}?emoji=%E2%9D%A4%EF%B8%8F&limit=4&cursor={hearts.GetProperty("nextCursor").GetString()}");
        Assert.Equal(2, rest.GetProperty("items").GetArrayLength());

        await stranger.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Put, path, new { emoji = "👍" });
        await stranger.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, path);
        await people[0].ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Put, path, new { emoji = "ok" });
        await people[0].ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Put, path, new { emoji = "👍👍" });
        await people[0].ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Put, $"api/chats/{chatId}/messages/{Guid.NewGuid()}/reactions", new { emoji = "👍" });
    }
}
