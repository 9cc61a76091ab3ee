using System.Net;
using System.Text;
using System.Text.Json;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using DistaHilar.Tests.Realtime;

namespace DistaHilar.Tests.Messages;

/// <summary><c>GET /api/updates</c>: what a client that was offline gets back, exactly.</summary>
public sealed class UpdatesTests(TestEnvironment env)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static object Text(string text) => new { clientMessageId = Guid.NewGuid().ToString(), text };

    [Fact]
    public async Task An_offline_client_catches_up_on_exactly_what_it_missed_in_order_and_nothing_of_others()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var a = await ChatUser.RegisterAsync(http);
        var b = await ChatUser.RegisterAsync(http);
        var c = await ChatUser.RegisterAsync(http);
        var g = await a.CreateGroupAsync(members: [b]);
        var k = await a.CreateGroupAsync(members: [b]);
        var d = await a.CreateGroupAsync(members: [b]);
        await a.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{g}/messages", Text("seen before"));

        // a stays online; b goes offline here, remembering where it was.
        await using var aLive = await EventProbe.ConnectAsync(app.BaseAddress, a.Token);
        var aStart = (await a.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/updates")).GetProperty("nextCursor").GetString();
        var start = await b.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/updates");
        Assert.Empty(start.GetProperty("items").EnumerateArray());
        Assert.False(start.GetProperty("resync").GetBoolean());
        var cursor = start.GetProperty("nextCursor").GetString()!;

        var m1 = await Send(a, g, "one");
        var m2 = await Send(a, g, "two");
        await a.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"api/chats/{g}/messages/{m1}", new { text = "one, edited" });
        await a.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, $"api/chats/{g}/messages/{m2}/reactions", new { emoji = "👍" });
        await a.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"api/chats/{g}/messages/delete", new { messageIds = new[] { m2 }, forEveryone = true });

        // Others' chats: nothing of them may reach b, nor what a chat said before b joined it.
        var x = await c.CreateGroupAsync();
        await Send(c, x, "c's own");
        var h = await a.CreateGroupAsync();
        await Send(a, h, "before b joined");
        await a.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{h}/members", new { userIds = new[] { b.Id } });
        var afterJoin = await Send(a, h, "after b joined");

        // Removed from k: b hears that, then nothing more of k.
        await a.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/chats/{k}/members/{b.Id}");
        await Send(a, k, "after b left");

        // b's other device; then d disappears for everyone: what d said meanwhile no longer matters, its deletion does.
        await b.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/folders", new { name = "Work", chatIds = new[] { h } });
        await Send(a, d, "said in d before its deletion");
        await a.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/chats/{d}");
        var marker = await Send(a, h, "marker");

        // Back online: page through, 3 at a time, until the marker arrives (other tests' open transactions may hold
        // the log's horizon back for a moment; the cursor never lets anything slip past meanwhile).
        var got = new List<JsonElement>();
        var pages = 0;
        await Eventually.True(
            async () =>
            {
                var page = await b.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/updates?since={cursor}&limit=3");
                pages++;
                Assert.False(page.GetProperty("resync").GetBoolean());
                var items = page.GetProperty("items").EnumerateArray().ToList();
                Assert.True(items.Count <= 3);
                got.AddRange(items);
                cursor = page.GetProperty("nextCursor").GetString()!;
                return got.Any(e => IsMessage(e, marker));
            },
            Wait,
            "the marker message in b's updates");

        Assert.Equal(
            [
                ("message.created", g), ("message.created", g), ("message.updated", g), ("reactions.updated", g), ("messages.deleted", g),
                ("chat.created", h), ("member.joined", h), ("message.created", h),
                ("member.left", k),
                ("folder.updated", Guid.Empty),
                ("chat.deleted", d),
                ("message.created", h),
            ],
            got.Select(e => (e.GetProperty("type").GetString()!, e.GetProperty("chatId").ValueKind == JsonValueKind.Null ? Guid.Empty : e.GetProperty("chatId").GetGuid())));
        Assert.True(pages >= 4, $"12 events at 3 per page take at least 4 pages, got {pages}");
        Assert.True(IsMessage(got[0], m1) && IsMessage(got[1], m2) && IsMessage(got[7], afterJoin));
        Assert.Equal(b.Id, got[8].GetProperty("data").GetProperty("userId").GetGuid());
        Assert.Equal(got.Count, got.Select(e => e.GetProperty("eventId").GetGuid()).Distinct().Count());

        // The deleted chat's logged copy is the event that went out live (same id), so a client that saw it drops it.
        var live = await aLive.WaitForAsync("chat.deleted", e => e.GetProperty("chatId").GetGuid() == d, Wait);
        var aLog = (await a.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/updates?since={aStart}&limit=500")).GetProperty("items").EnumerateArray();
        Assert.Equal(live.Envelope.GetProperty("eventId").GetGuid(), aLog.Single(e => e.GetProperty("type").GetString() == "chat.deleted").GetProperty("eventId").GetGuid());
        Assert.Equal(live.Envelope.GetProperty("eventId").GetGuid(), got[10].GetProperty("eventId").GetGuid());

        // Caught up: asking again brings nothing twice.
        var again = await b.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/updates?since={cursor}");
        Assert.Empty(again.GetProperty("items").EnumerateArray());
        Assert.False(again.GetProperty("hasMore").GetBoolean());
    }

    [Fact]
    public async Task A_transaction_open_elsewhere_at_the_start_neither_replays_what_was_loaded_nor_loses_what_it_commits_later()
    {
        var (app, _) = await env.RealtimeAsync();
        var servers = await env.ServersAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var a = await ChatUser.RegisterAsync(http);
        var b = await ChatUser.RegisterAsync(http);
        var g = await a.CreateGroupAsync(members: [b]);
        var ct = TestContext.Current.CancellationToken;

        // Another client's transaction, open across b's start: it holds the snapshot's xmin below what commits meanwhile,
        // and writes one of b's events that commits only after b has its starting cursor.
        await using var other = new Npgsql.NpgsqlConnection(servers.Postgres.DirectConnectionString);
        await other.OpenAsync(ct);
        await using var tx = await other.BeginTransactionAsync(ct);
        var lateEvent = Guid.NewGuid();
        await using (var write = new Npgsql.NpgsqlCommand(
            """
            INSERT INTO outbox_messages (kind, target, event, payload, created_at, available_at, attempts, logged, published_at)
            VALUES (1, @target, 'folder.updated', jsonb_build_object('eventId', @id::text, 'type', 'folder.updated', 'chatId', NULL, 'data', '{}'::jsonb), now(), now(), 0, true, now())
            """,
            other,
            tx))
        {
            write.Parameters.AddWithValue("target", b.Id.ToString());
            write.Parameters.AddWithValue("id", lateEvent);
            await write.ExecuteNonQueryAsync(ct);
        }

        var loaded = await Send(a, g, "in the state b loads");
        var cursor = (await b.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/updates")).GetProperty("nextCursor").GetString()!;
        var after = await Send(a, g, "after the start");
        await tx.CommitAsync(ct);

        var got = new List<JsonElement>();
        await Eventually.True(
            async () =>
            {
                var page = await b.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/updates?since={cursor}&limit=1");
                got.AddRange(page.GetProperty("items").EnumerateArray());
                cursor = page.GetProperty("nextCursor").GetString()!;
                return got.Any(e => IsMessage(e, after)) && got.Any(e => e.GetProperty("eventId").GetGuid() == lateEvent);
            },
            Wait,
            "the message after the start and the late transaction's event");

        Assert.DoesNotContain(got, e => IsMessage(e, loaded));
        Assert.Equal(2, got.Count);
        var again = await b.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/updates?since={cursor}");
        Assert.Empty(again.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Bad_cursors_and_limits_are_400_and_a_cursor_older_than_the_log_asks_for_a_resync()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var a = await ChatUser.RegisterAsync(http);

        foreach (var query in new[] { "since=nope", "since=" + Encode("[1,2]"), "since=" + Encode("""{"T":-1,"I":0,"At":0}"""), "limit=0", "limit=501", "limit=x", "since=" + Encode("""{"T":1,"I":1,"At":99999999999999}"""),
            "since=" + Encode("""{"T":5,"I":0,"At":0,"X":5,"P":[]}"""), "since=" + Encode("""{"T":5,"I":0,"At":0,"X":9}"""),
            "since=" + Encode("""{"T":5,"I":0,"At":0,"X":9,"P":[9]}"""), "since=" + Encode("""{"T":5,"I":0,"At":0,"P":[6]}""") })
        {
            var problem = await a.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Get, $"api/updates?{query}");
            Assert.Equal(400, problem.GetProperty("status").GetInt32());
        }

        var old = Encode($$"""{"T":1,"I":0,"At":{{DateTimeOffset.UtcNow.AddDays(-8).ToUnixTimeSeconds()}}}""");
        var resync = await a.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/updates?since={old}");
        Assert.True(resync.GetProperty("resync").GetBoolean());
        Assert.Empty(resync.GetProperty("items").EnumerateArray());
        var fresh = await a.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/updates?since={resync.GetProperty("nextCursor").GetString()}");
        Assert.False(fresh.GetProperty("resync").GetBoolean());

        using var anonymous = AccountsApi.Client(app.BaseAddress);
        using var unauthenticated = await anonymous.GetAsync("api/updates", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
    }

    private static async Task<Guid> Send(ChatUser user, Guid chatId, string text) =>
        (await user.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{chatId}/messages", Text(text))).GetProperty("id").GetGuid();

    private static bool IsMessage(JsonElement e, Guid id) =>
        e.GetProperty("type").GetString() == "message.created" && e.GetProperty("data").GetProperty("id").GetGuid() == id;

    private static string Encode(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
