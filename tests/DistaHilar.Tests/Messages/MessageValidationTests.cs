using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using Npgsql;

namespace DistaHilar.Tests.Messages;

/// <summary>Bad input on every message route: a 4xx problem, and not one row changes.</summary>
public sealed class MessageValidationTests(TestEnvironment env)
{
    [Fact]
    public async Task Bad_input_is_refused_with_a_problem_and_writes_nothing()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);
        var member = await ChatUser.RegisterAsync(http);
        var stranger = await ChatUser.RegisterAsync(http);
        var group = await me.CreateGroupAsync(members: [member]);
        var theirs = await stranger.CreateGroupAsync();
        var mine = await Send(me, group, "mine");
        var memberMessage = await Send(member, group, "theirs in my group");
        var theirMessage = await Send(stranger, theirs, "elsewhere");
        var unknown = Guid.NewGuid();
        var messages = $"api/chats/{group}/messages";

        var cases = new (HttpMethod Method, string Path, object? Body)[]
        {
            // Send
            (HttpMethod.Post, messages, new { }),
            (HttpMethod.Post, messages, new { text = "no key" }),
            (HttpMethod.Post, messages, new { clientMessageId = new string('k', 65), text = "x" }),
            (HttpMethod.Post, messages, new { clientMessageId = "k1", text = "" }),
            (HttpMethod.Post, messages, new { clientMessageId = "k1", text = "   " }),
            (HttpMethod.Post, messages, new { clientMessageId = "k1", text = new string('t', 4097) }),
            (HttpMethod.Post, messages, new { clientMessageId = "k1", text = 5 }),
            (HttpMethod.Post, messages, new { clientMessageId = 5, text = "x" }),
            (HttpMethod.Post, messages, new { clientMessageId = "k1", text = "a\u0000b" }),
            (HttpMethod.Post, messages, new { clientMessageId = "k\u0000", text = "x" }),
            (HttpMethod.Post, $"{messages}/forward", new { fromChatId = group, messageIds = new[] { mine }, clientMessageId = "k\u0000" }),
            (HttpMethod.Patch, $"{messages}/{mine}", new { text = "a\u0000b" }),
            (HttpMethod.Post, messages, new { clientMessageId = "k1", text = "x", replyToId = "nope" }),
            (HttpMethod.Post, messages, new { clientMessageId = "k1", text = "x", replyToId = theirMessage }),
            (HttpMethod.Post, messages, new { clientMessageId = "k1", text = "x", replyToId = unknown }),
            (HttpMethod.Post, messages, new { clientMessageId = "k1", text = "x", mediaIds = new[] { unknown } }),
            (HttpMethod.Post, $"api/chats/{theirs}/messages", new { clientMessageId = "k1", text = "x" }),
            (HttpMethod.Post, $"api/chats/{unknown}/messages", new { clientMessageId = "k1", text = "x" }),
            // Forward
            (HttpMethod.Post, $"{messages}/forward", new { fromChatId = theirs, messageIds = new[] { theirMessage } }),
            (HttpMethod.Post, $"{messages}/forward", new { fromChatId = group, messageIds = new[] { mine, theirMessage } }),
            (HttpMethod.Post, $"{messages}/forward", new { fromChatId = group, messageIds = "all" }),
            (HttpMethod.Post, $"api/chats/{theirs}/messages/forward", new { fromChatId = group, messageIds = new[] { mine } }),
            // History and search
            (HttpMethod.Get, $"{messages}?limit=0", null),
            (HttpMethod.Get, $"{messages}?limit=101", null),
            (HttpMethod.Get, $"{messages}?before=nope", null),
            (HttpMethod.Get, $"{messages}?before={theirMessage}", null),
            (HttpMethod.Get, $"{messages}?before={mine}&around={mine}", null),
            (HttpMethod.Get, $"api/chats/{theirs}/messages", null),
            (HttpMethod.Get, $"{messages}/search", null),
            (HttpMethod.Get, $"{messages}/search?q={new string('q', 257)}", null),
            (HttpMethod.Get, $"api/chats/{theirs}/messages/search?q=elsewhere", null),
            (HttpMethod.Get, "api/messages/search?q=x&cursor=%%%", null),
            (HttpMethod.Get, "api/updates?since=%%%", null),
            // Edit
            (HttpMethod.Patch, $"{messages}/{mine}", new { }),
            (HttpMethod.Patch, $"{messages}/{mine}", new { text = "" }),
            (HttpMethod.Patch, $"{messages}/{mine}", new { text = new string('t', 4097) }),
            (HttpMethod.Patch, $"{messages}/{mine}", new { text = 5 }),
            (HttpMethod.Patch, $"{messages}/{memberMessage}", new { text = "not the author" }),
            (HttpMethod.Patch, $"{messages}/{theirMessage}", new { text = "another chat's" }),
            (HttpMethod.Patch, $"{messages}/{unknown}", new { text = "x" }),
            // Delete
            (HttpMethod.Post, $"{messages}/delete", new { messageIds = Array.Empty<Guid>(), forEveryone = true }),
            (HttpMethod.Post, $"{messages}/delete", new { messageIds = new[] { mine } }),
            (HttpMethod.Post, $"{messages}/delete", new { messageIds = new[] { mine, theirMessage }, forEveryone = true }),
            (HttpMethod.Post, $"{messages}/delete", new { messageIds = new[] { mine, unknown }, forEveryone = false }),
            (HttpMethod.Post, $"{messages}/delete", new { messageIds = Enumerable.Range(0, 101).Select(_ => Guid.NewGuid()).ToArray(), forEveryone = true }),
            (HttpMethod.Post, $"{messages}/delete", new { messageIds = new[] { "x" }, forEveryone = true }),
            (HttpMethod.Post, $"api/chats/{theirs}/messages/delete", new { messageIds = new[] { theirMessage }, forEveryone = true }),
            // Pins
            (HttpMethod.Put, $"{messages}/{theirMessage}/pin", null),
            (HttpMethod.Put, $"{messages}/{unknown}/pin", null),
            (HttpMethod.Put, $"api/chats/{theirs}/messages/{theirMessage}/pin", null),
            (HttpMethod.Delete, $"{messages}/{unknown}/pin", null),
            // Reactions
            (HttpMethod.Put, $"{messages}/{mine}/reactions", new { }),
            (HttpMethod.Put, $"{messages}/{mine}/reactions", new { emoji = "" }),
            (HttpMethod.Put, $"{messages}/{mine}/reactions", new { emoji = "ab" }),
            (HttpMethod.Put, $"{messages}/{mine}/reactions", new { emoji = "👍👍" }),
            (HttpMethod.Put, $"{messages}/{mine}/reactions", new { emoji = string.Concat(Enumerable.Repeat("🔥", 20)) }),
            (HttpMethod.Put, $"{messages}/{mine}/reactions", new { emoji = 5 }),
            (HttpMethod.Put, $"{messages}/{theirMessage}/reactions", new { emoji = "👍" }),
            (HttpMethod.Put, $"api/chats/{theirs}/messages/{theirMessage}/reactions", new { emoji = "👍" }),
            (HttpMethod.Delete, $"{messages}/{unknown}/reactions", null),
            (HttpMethod.Get, $"{messages}/{mine}/reactions?cursor=%%%", null),
            (HttpMethod.Get, $"{messages}/{theirMessage}/reactions", null),
            // Read
            (HttpMethod.Post, $"api/chats/{group}/read", new { }),
            (HttpMethod.Post, $"api/chats/{group}/read", new { upToMessageId = "x" }),
            (HttpMethod.Post, $"api/chats/{group}/read", new { upToMessageId = theirMessage }),
            (HttpMethod.Post, $"api/chats/{theirs}/read", new { upToMessageId = theirMessage }),
        };

        var before = await SnapshotAsync([me.Id, member.Id, stranger.Id], [group, theirs]);
        var failures = new List<string>();
        foreach (var (method, path, body) in cases)
        {
            var (status, json) = await me.CallAsync(method, path, body);
            if ((int)status is < 400 or >= 500 || json.ValueKind == JsonValueKind.Undefined || !json.TryGetProperty("title", out _))
            {
                failures.Add($"{method} {path} {JsonSerializer.Serialize(body)} → {(int)status} {json}");
            }
        }

        foreach (var (content, type) in new[]
        {
            ("{\"text\": ", "application/json"),
            ("text=x", "application/x-www-form-urlencoded"),
            ("[]", "application/json"),
            // Half a surrogate pair, escaped in JSON (a client's serializer would have repaired it).
            ("{\"clientMessageId\": \"k2\", \"text\": \"half a pair \\ud83d here\"}", "application/json"),
        })
        {
            using var request = AccountsApi.Authorized(HttpMethod.Post, messages, me.Token);
            request.Content = new StringContent(content, Encoding.UTF8, new MediaTypeHeaderValue(type));
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            if ((int)response.StatusCode is < 400 or >= 500)
            {
                failures.Add($"POST {messages} with {type} '{content}' → {(int)response.StatusCode}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await SnapshotAsync([me.Id, member.Id, stranger.Id], [group, theirs]));
    }

    private static async Task<Guid> Send(ChatUser user, Guid chatId, string text) =>
        (await user.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{chatId}/messages", new { clientMessageId = Guid.NewGuid().ToString(), text })).GetProperty("id").GetGuid();

    /// <summary>
    /// Every row the cases could touch, as JSON: the chats (numbers), members (read pointers), messages, hidden
    /// messages, reactions, and how many change-log rows name the chats or users (an event would add one).
    /// </summary>
    private async Task<string> SnapshotAsync(Guid[] users, Guid[] chats)
    {
        await using var db = NpgsqlDataSource.Create((await env.ServersAsync()).Postgres.DirectConnectionString);
        await using var command = db.CreateCommand(
            """
            SELECT json_build_object(
              'chats', (SELECT json_agg(c ORDER BY c.id) FROM chats c WHERE c.id = ANY($2)),
              'members', (SELECT json_agg(m ORDER BY m.chat_id, m.user_id) FROM chat_members m WHERE m.chat_id = ANY($2)),
              'messages', (SELECT json_agg(m ORDER BY m.id) FROM messages m WHERE m.chat_id = ANY($2)),
              'hidden', (SELECT coalesce(json_agg(h ORDER BY h.user_id, h.message_id), '[]') FROM hidden_messages h WHERE h.chat_id = ANY($2)),
              'reactions', (SELECT coalesce(json_agg(r ORDER BY r.message_id, r.user_id), '[]') FROM message_reactions r JOIN messages m ON m.id = r.message_id WHERE m.chat_id = ANY($2)),
              'log', (SELECT count(*) FROM outbox_messages o WHERE o.logged AND (o.chat_id = ANY($2) OR o.target = ANY($1::text[]))))::text
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = users.Select(u => u.ToString()).ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = chats });
        return (string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
