using System.Net;
using System.Text.Json;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using Npgsql;

namespace DistaHilar.Tests.Messages;

/// <summary>History paging in a chat 12,000 messages deep: exact in both directions, tombstones and my hidden messages skipped.</summary>
public sealed class DeepHistoryTests(TestEnvironment env)
{
    private const int Depth = 12_000;

    [Fact]
    public async Task Every_message_comes_exactly_once_paging_back_from_the_newest_and_forward_from_the_oldest()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var a = await ChatUser.RegisterAsync(http);
        var b = await ChatUser.RegisterAsync(http);
        var chatId = await a.CreateGroupAsync(members: [b]);

        // 12,000 messages straight into the database (posting them would test nothing more and take minutes),
        // as the app writes them: seq 1..12000 alternating senders, the chat's counters moved to match. Every
        // 1,000th is deleted for everyone, every 777th is hidden for a.
        await using (var db = NpgsqlDataSource.Create((await env.ServersAsync()).Postgres.DirectConnectionString))
        {
            await using var seed = db.CreateBatch();
            seed.BatchCommands.Add(Command(
                """
                INSERT INTO messages (id, chat_id, seq, sender_id, client_message_id, text, mentions, created_at, read_count, deleted_at)
                SELECT gen_random_uuid(), $1, s, CASE WHEN s % 2 = 0 THEN $2 ELSE $3 END, 'seed-' || s,
                       CASE WHEN s % 1000 = 0 THEN NULL ELSE 'message ' || s END, '{}', now() - make_interval(secs => $4 - s), 0,
                       CASE WHEN s % 1000 = 0 THEN now() END
                FROM generate_series(1, $4) AS s
                """,
                chatId,
                a.Id,
                b.Id,
                Depth));
            seed.BatchCommands.Add(Command("INSERT INTO hidden_messages (user_id, message_id, chat_id) SELECT $2, id, chat_id FROM messages WHERE chat_id = $1 AND seq % 777 = 0 AND deleted_at IS NULL", chatId, a.Id));
            seed.BatchCommands.Add(Command("UPDATE chats SET last_message_seq = $2 WHERE id = $1", chatId, Depth));
            await seed.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var expected = Enumerable.Range(1, Depth).Where(s => s % 1000 != 0 && s % 777 != 0).Select(s => (long)s).ToList();

        // Back from the newest, 100 at a time.
        var back = new List<long>();
        var query = "limit=100";
        while (true)
        {
            var items = await PageAsync(a, chatId, query);
            if (items.Count == 0)
            {
                break;
            }

            Assert.Equal(items.Select(Seq).OrderDescending(), items.Select(Seq));
            back.AddRange(items.Select(Seq));
            query = $"limit=100&before={Id(items[^1])}";
        }

        back.Reverse();
        Assert.Equal(expected, back);

        // Forward from the oldest: each page is the next 100 after the anchor (shown newest first).
        var forward = new List<long> { 1 };
        query = $"limit=100&after={await IdOfSeqAsync(chatId, 1)}";
        while (true)
        {
            var items = await PageAsync(a, chatId, query);
            if (items.Count == 0)
            {
                break;
            }

            forward.AddRange(items.Select(Seq).Reverse());
            query = $"limit=100&after={Id(items[0])}";
        }

        Assert.Equal(expected, forward);

        // With nextCursor, as every other list pages: the same messages once, in order, then null.
        var walked = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await a.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}/messages?limit=100" + (cursor is null ? "" : $"&cursor={cursor}"));
            walked.AddRange(page.GetProperty("items").EnumerateArray().Select(Seq));
            cursor = page.GetProperty("nextCursor").GetString();
            Assert.True(++pages <= (expected.Count / 100) + 1, "nextCursor must end");
        }
        while (cursor is not null);

        walked.Reverse();
        Assert.Equal(expected, walked);

        // Deep in the chat, around a message: a skips what a hid, b (who hid nothing) sees it.
        var around = $"limit=4&around={await IdOfSeqAsync(chatId, 1555)}";
        Assert.Equal([1557L, 1556, 1555, 1553], (await PageAsync(a, chatId, around)).Select(Seq));
        Assert.Equal([1557L, 1556, 1555, 1554], (await PageAsync(b, chatId, around)).Select(Seq));
    }

    [Fact]
    public async Task Next_cursor_pages_end_exactly_and_follow_every_way_in()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var a = await ChatUser.RegisterAsync(http);
        var chatId = await a.CreateGroupAsync();
        var sent = new List<Guid>();
        for (var i = 1; i <= 10; i++)
        {
            sent.Add(Id(await a.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{chatId}/messages", new { text = $"m{i}", clientMessageId = Guid.NewGuid().ToString() })));
        }

        async Task<(List<Guid> Ids, string? Next)> ListAsync(string query)
        {
            var page = await a.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}/messages?{query}");
            return (page.GetProperty("items").EnumerateArray().Select(Id).ToList(), page.GetProperty("nextCursor").GetString());
        }

        // Ten messages: limit 5 ends in exactly two pages.
        var first = await ListAsync("limit=5");
        Assert.Equal(sent[5..].AsEnumerable().Reverse(), first.Ids);
        Assert.NotNull(first.Next);

        // A message sent meanwhile does not shift the pages.
        await a.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{chatId}/messages", new { text = "late", clientMessageId = Guid.NewGuid().ToString() });
        var second = await ListAsync($"limit=5&cursor={first.Next}");
        Assert.Equal(sent[..5].AsEnumerable().Reverse(), second.Ids);
        Assert.Null(second.Next); // the last page says so itself: no empty page after it

        // before, around and after pages hand out the cursor for what is older than their oldest item.
        var before = await ListAsync($"limit=2&before={sent[5]}");
        Assert.Equal([sent[4], sent[3]], before.Ids);
        Assert.Equal([sent[2], sent[1]], (await ListAsync($"limit=2&cursor={before.Next}")).Ids);
        var around = await ListAsync($"limit=3&around={sent[5]}");
        Assert.Equal([sent[6], sent[5], sent[4]], around.Ids);
        Assert.Equal([sent[3], sent[2], sent[1]], (await ListAsync($"limit=3&cursor={around.Next}")).Ids);
        var after = await ListAsync($"limit=2&after={sent[5]}");
        Assert.Equal([sent[7], sent[6]], after.Ids);
        Assert.Equal([sent[5], sent[4]], (await ListAsync($"limit=2&cursor={after.Next}")).Ids);

        await a.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Get, $"api/chats/{chatId}/messages?cursor=not-a-cursor");
        await a.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Get, $"api/chats/{chatId}/messages?cursor={first.Next}&before={sent[3]}");
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }

    private static long Seq(JsonElement m) => m.GetProperty("seq").GetInt64();

    private static Guid Id(JsonElement m) => m.GetProperty("id").GetGuid();

    private static async Task<List<JsonElement>> PageAsync(ChatUser user, Guid chatId, string query) =>
        (await user.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}/messages?{query}")).GetProperty("items").EnumerateArray().ToList();

    private async Task<Guid> IdOfSeqAsync(Guid chatId, long seq)
    {
        await using var db = NpgsqlDataSource.Create((await env.ServersAsync()).Postgres.DirectConnectionString);
        await using var command = db.CreateCommand("SELECT id FROM messages WHERE chat_id = $1 AND seq = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = chatId });
        command.Parameters.Add(new NpgsqlParameter { Value = seq });
        return (Guid)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
