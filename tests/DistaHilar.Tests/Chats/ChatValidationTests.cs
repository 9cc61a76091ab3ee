using System.Net;
using System.Net.Http.Headers;
using System.Text;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Infrastructure;
using Npgsql;

namespace DistaHilar.Tests.Chats;

/// <summary>Bad input on every chat and folder route: a 4xx problem, and not one row changes.</summary>
public sealed class ChatValidationTests(TestEnvironment env)
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
        var folder = (await me.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/folders", new { name = "f" })).GetProperty("id").GetGuid();
        var unknown = Guid.NewGuid();
        var long129 = new string('t', 129);

        var cases = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Post, "api/chats/dialogs", new { }),
            (HttpMethod.Post, "api/chats/dialogs", new { userId = "nope" }),
            (HttpMethod.Post, "api/chats/dialogs", new { userId = 5 }),
            (HttpMethod.Post, "api/chats/dialogs", new { userId = unknown }),
            (HttpMethod.Post, "api/chats/dialogs", new { userId = me.Id }),
            (HttpMethod.Post, "api/chats/groups", new { title = "" }),
            (HttpMethod.Post, "api/chats/groups", new { title = long129 }),
            (HttpMethod.Post, "api/chats/groups", new { title = 5 }),
            (HttpMethod.Post, "api/chats/groups", new { title = "a\u0000b" }),
            (HttpMethod.Post, "api/chats/channels", new { title = "ok", description = new string('d', 256) }),
            (HttpMethod.Post, "api/chats/groups", new { title = "ok", memberIds = new[] { "x" } }),
            (HttpMethod.Post, "api/chats/groups", new { title = "ok", memberIds = new[] { member.Id, unknown } }),
            (HttpMethod.Post, "api/chats/groups", new { title = "ok", memberIds = Enumerable.Range(0, 201).Select(_ => Guid.NewGuid()).ToArray() }),
            (HttpMethod.Patch, $"api/chats/{group}", new { }),
            (HttpMethod.Patch, $"api/chats/{group}", new { title = "" }),
            (HttpMethod.Patch, $"api/chats/{group}", new { avatarUrl = "http://example.com/a.png" }),
            (HttpMethod.Patch, $"api/chats/{group}", new { avatarUrl = "javascript:alert(1)" }),
            // Avatars come only from uploads: even an https URL is refused (every member's client would fetch it).
            (HttpMethod.Patch, $"api/chats/{group}", new { avatarUrl = "https://tracker.example/pixel.png" }),
            (HttpMethod.Patch, $"api/chats/{group}", new { isPublic = "yes" }),
            (HttpMethod.Patch, $"api/chats/{theirs}", new { title = "taken over" }),
            (HttpMethod.Delete, $"api/chats/{group}?forEveryone=maybe", null),
            (HttpMethod.Delete, $"api/chats/{theirs}", null),
            (HttpMethod.Post, $"api/chats/{unknown}/leave", null),
            (HttpMethod.Post, $"api/chats/{theirs}/invite-link", null),
            (HttpMethod.Post, "api/chats/join/not-a-real-code", null),
            (HttpMethod.Post, $"api/chats/join/{new string('c', 65)}", null),
            (HttpMethod.Post, $"api/chats/{theirs}/join", null),
            (HttpMethod.Post, $"api/chats/{group}/members", new { userIds = Array.Empty<Guid>() }),
            (HttpMethod.Post, $"api/chats/{group}/members", new { userIds = new[] { unknown } }),
            (HttpMethod.Post, $"api/chats/{group}/members", new { userIds = Enumerable.Range(0, 101).Select(_ => Guid.NewGuid()).ToArray() }),
            (HttpMethod.Post, $"api/chats/{group}/members", new { userIds = "x" }),
            (HttpMethod.Post, $"api/chats/{theirs}/members", new { userIds = new[] { member.Id } }),
            (HttpMethod.Patch, $"api/chats/{group}/members/{member.Id}", new { role = "superuser" }),
            (HttpMethod.Patch, $"api/chats/{group}/members/{member.Id}", new { role = 1 }),
            (HttpMethod.Patch, $"api/chats/{group}/members/{member.Id}", new { }),
            (HttpMethod.Patch, $"api/chats/{group}/members/{unknown}", new { role = "member" }),
            (HttpMethod.Delete, $"api/chats/{group}/members/{stranger.Id}", null),
            (HttpMethod.Put, $"api/chats/{group}/mute", new { until = "tomorrow" }),
            (HttpMethod.Put, $"api/chats/{group}/mute", new { until = DateTimeOffset.UtcNow.AddDays(-1) }),
            (HttpMethod.Put, $"api/chats/{theirs}/mute", null),
            (HttpMethod.Get, "api/chats?limit=0", null),
            (HttpMethod.Get, $"api/chats?folderId={unknown}", null),
            (HttpMethod.Get, $"api/chats/{group}/members?cursor=%%%", null),
            (HttpMethod.Post, "api/folders", new { name = new string('n', 33) }),
            (HttpMethod.Post, "api/folders", new { name = "x", chatIds = new[] { theirs } }),
            (HttpMethod.Post, "api/folders", new { name = "x", icon = new string('i', 17) }),
            (HttpMethod.Patch, $"api/folders/{folder}", new { }),
            (HttpMethod.Patch, $"api/folders/{folder}", new { chatIds = new[] { theirs } }),
            (HttpMethod.Patch, $"api/folders/{unknown}", new { name = "x" }),
            (HttpMethod.Put, $"api/folders/{folder}/chats/{theirs}", null),
            (HttpMethod.Put, $"api/folders/{unknown}/chats/{group}", null),
            (HttpMethod.Delete, $"api/folders/{unknown}", null),
        };

        var before = await SnapshotAsync(me.Id, stranger.Id);
        var failures = new List<string>();
        foreach (var (method, path, body) in cases)
        {
            var (status, json) = await me.CallAsync(method, path, body);
            if ((int)status is < 400 or >= 500 || json.ValueKind == System.Text.Json.JsonValueKind.Undefined || !json.TryGetProperty("title", out _))
            {
                failures.Add($"{method} {path} {System.Text.Json.JsonSerializer.Serialize(body)} → {(int)status} {json}");
            }
        }

        // Not JSON, and not JSON at all.
        foreach (var (content, type) in new[] { ("{\"title\": ", "application/json"), ("title=x", "application/x-www-form-urlencoded") })
        {
            using var request = AccountsApi.Authorized(HttpMethod.Post, "api/chats/groups", me.Token);
            request.Content = new StringContent(content, Encoding.UTF8, new MediaTypeHeaderValue(type));
            using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            if ((int)response.StatusCode is < 400 or >= 500)
            {
                failures.Add($"POST api/chats/groups with {type} '{content}' → {(int)response.StatusCode}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await SnapshotAsync(me.Id, stranger.Id));
    }

    /// <summary>Every row the cases could touch, as JSON: chats of both users, their members, bans, folders.</summary>
    private async Task<string> SnapshotAsync(Guid me, Guid stranger)
    {
        await using var db = NpgsqlDataSource.Create((await env.ServersAsync()).Postgres.DirectConnectionString);
        await using var command = db.CreateCommand(
            """
            WITH mine AS (SELECT chat_id FROM chat_members WHERE user_id IN ($1, $2))
            SELECT json_build_object(
              'chats', (SELECT coalesce(json_agg(c ORDER BY c.id), '[]') FROM chats c WHERE c.id IN (SELECT chat_id FROM mine) OR c.created_by IN ($1, $2)),
              'members', (SELECT coalesce(json_agg(m ORDER BY m.chat_id, m.user_id), '[]') FROM chat_members m WHERE m.chat_id IN (SELECT chat_id FROM mine)),
              'bans', (SELECT coalesce(json_agg(b ORDER BY b.chat_id, b.user_id), '[]') FROM chat_bans b WHERE b.chat_id IN (SELECT chat_id FROM mine)),
              'folders', (SELECT coalesce(json_agg(f ORDER BY f.id), '[]') FROM folders f WHERE f.user_id IN ($1, $2)),
              'folderChats', (SELECT coalesce(json_agg(e ORDER BY e.folder_id, e.chat_id), '[]') FROM folder_chats e JOIN folders f ON f.id = e.folder_id WHERE f.user_id IN ($1, $2)))::text
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = me });
        command.Parameters.Add(new NpgsqlParameter { Value = stranger });
        return (string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
