using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DistaHilar.Core.Realtime;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using Npgsql;

namespace DistaHilar.Tests.Hardening;

/// <summary>
/// Each input the attack found answered with a 5xx, or with a 503 that tells clients to retry their bad input for
/// ever, now a 4xx problem (application/problem+json with type, title, status), through the real worker.
/// </summary>
public sealed class BadInputTests(TestEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Broken_unicode_in_a_json_string_is_a_400_problem_naming_the_field()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);
        var before = await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/users/me");

        foreach (var (path, method, body, field) in new (string, HttpMethod, byte[], string)[]
        {
            // The profile patch reads JsonElements, whose strings were unescaped only later: 500 before.
            ("api/users/me", HttpMethod.Patch, "{\"name\":\"a\\ud800b\"}"u8.ToArray(), "name"),
            ("api/users/me", HttpMethod.Patch, [.. "{\"bio\":\"a"u8, 0xFF, 0xFE, .. "b\"}"u8], "body"),
            ("api/users/me", HttpMethod.Patch, "{\"email\":\"a\\u0000b@example.test\"}"u8.ToArray(), "email"),
            ("api/chats/groups", HttpMethod.Post, "{\"title\":\"\\udfff\"}"u8.ToArray(), "title"),
            ("api/auth/login", HttpMethod.Post, "{\"login\":\"x\",\"password\":\"a\\ud83d\"}"u8.ToArray(), "password"),
        })
        {
            using var request = AccountsApi.Authorized(method, path, me.Token);
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
            using var response = await http.SendAsync(request, Ct);

            var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest, $"{method} {path} {Encoding.UTF8.GetString(body)}");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{path}: {problem}");
        }

        Assert.Equal(before.ToString(), (await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/users/me")).ToString());
    }

    [Fact]
    public async Task A_malformed_multipart_body_is_a_400_problem_and_stores_nothing()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);
        var kindPart = "--b\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nimage\r\n";
        var filePart = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n";

        foreach (var (contentType, body) in new (string, string)[]
        {
            ("multipart/form-data; boundary=b", ""),
            ("multipart/form-data; boundary=b", "random bytes with no boundary at all"),
            ("multipart/form-data; boundary=other", kindPart + filePart + "bytes\r\n--b--\r\n"),
            ("multipart/form-data; boundary=b", kindPart + "--b\r\nContent-Disposition: form-data; name=\"kind\"\r\n"),
            ("multipart/form-data; boundary=b", kindPart + filePart + "the file is cut off here, no closing boundary"),
            ("multipart/form-data; boundary=b", "--b\r\n" + new string('h', 20_000) + "\r\n\r\nx\r\n--b--\r\n"),
            ("multipart/form-data", kindPart),
            ("multipart/form-data; boundary=" + new string('b', 71), kindPart),
        })
        {
            using var request = AccountsApi.Authorized(HttpMethod.Post, "api/media", me.Token);
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            using var response = await http.SendAsync(request, Ct);

            await ExpectProblemAsync(response, HttpStatusCode.BadRequest, $"{contentType}: {body[..Math.Min(body.Length, 80)]}");
        }

        Assert.Equal(0L, await ScalarAsync<long>("SELECT count(*) FROM media WHERE owner_id = $1", me.Id));
    }

    [Fact]
    public async Task Timestamps_with_an_offset_are_accepted_and_kept_in_utc()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);
        var other = await ChatUser.RegisterAsync(http);
        var group = await me.CreateGroupAsync(members: [other]);
        var until = DateTimeOffset.UtcNow.AddDays(2);
        var local = until.ToOffset(TimeSpan.FromHours(3));

        await me.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"api/chats/{group}/mute", new { until = local.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture) });

        var chat = await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{group}");
        var muted = chat.GetProperty("mutedUntil").GetDateTimeOffset();
        Assert.Equal(TimeSpan.Zero, muted.Offset);
        Assert.Equal(until.ToUnixTimeMilliseconds(), muted.ToUnixTimeMilliseconds());

        // Hand-made cursors with "+03:00" in every keyset timestamp (unknown names are ignored by each list's decoder).
        var cursor = System.Buffers.Text.Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["LastActivityAt"] = local, ["ChatId"] = group, ["JoinedAt"] = local, ["AddedAt"] = local, ["At"] = local,
            ["UserId"] = other.Id, ["Id"] = Guid.NewGuid(),
        }));
        var message = (await me.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{group}/messages", new { clientMessageId = "m1", text = "hi" })).GetProperty("id").GetGuid();
        foreach (var path in new[] { "api/chats", $"api/chats/{group}/members", "api/contacts", "api/calls", $"api/chats/{group}/messages/{message}/reactions" })
        {
            await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"{path}?cursor={cursor}");
        }
    }

    [Fact]
    public async Task A_nul_or_control_character_in_input_is_a_400_problem_never_a_503()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);
        var group = await me.CreateGroupAsync();

        var cases = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Post, "api/auth/login", new { login = "a\0b", password = "whatever-password" }),
            (HttpMethod.Post, "api/auth/register", new { username = "nul" + Guid.NewGuid().ToString("N")[..8], email = "a\0b@example.test", password = "pw-0123456789", name = "N" }),
            (HttpMethod.Get, "api/users?q=a%00b", null),
            (HttpMethod.Get, "api/contacts?q=%00", null),
            (HttpMethod.Get, "api/messages/search?q=hello%00", null),
            (HttpMethod.Get, $"api/chats/{group}/messages/search?q=%01x", null),
            (HttpMethod.Get, "api/chats/search?q=ab%00", null),
            (HttpMethod.Get, "api/chats?folderId=%00", null),
            (HttpMethod.Post, "api/chats/join/abc%01def", null),
            (HttpMethod.Post, "api/chats/join/abc%0Adef", null),
            (HttpMethod.Get, "api/avatars/k%01", null),
            (HttpMethod.Post, $"api/chats/{group}/messages", new { clientMessageId = "k", text = "a\u0007b" }),
        };
        foreach (var (method, path, body) in cases)
        {
            using var response = await me.SendAsync(method, path, body);

            await ExpectProblemAsync(response, HttpStatusCode.BadRequest, $"{method} {path} {JsonSerializer.Serialize(body)}");
            Assert.Empty(response.Headers.RetryAfter?.ToString() ?? "");
        }
    }

    [Fact]
    public async Task An_id_that_is_not_a_guid_is_a_404_problem()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);
        var group = await me.CreateGroupAsync();

        foreach (var (method, path) in new (HttpMethod, string)[]
        {
            (HttpMethod.Get, "api/chats/not-a-guid"),
            (HttpMethod.Patch, "api/chats/not-a-guid"),
            (HttpMethod.Get, "api/chats/%01"),
            (HttpMethod.Get, "api/users/12345"),
            (HttpMethod.Delete, "api/folders/x"),
            (HttpMethod.Get, $"api/chats/{group}/messages/not-a-guid/reactions"),
            (HttpMethod.Delete, "api/auth/sessions/" + new string('a', 300)),
            (HttpMethod.Post, "api/calls/%F0%9F%92%A9/end"),
        })
        {
            using var response = await me.SendAsync(method, path, method == HttpMethod.Patch ? new { title = "x" } : null);

            var problem = await ExpectProblemAsync(response, HttpStatusCode.NotFound, $"{method} {path}");
            Assert.EndsWith("was not found.", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        }

        // The literal routes next to a parameter still reach their own function, whatever order the host tries them in.
        await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/users/me");
        await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/chats/search?q=chat");

        // A NUL in the path never reaches any route: the HTTP server refuses the request line (400, no body), here
        // Kestrel and in Azure the platform's front end. The one bad input that cannot get a problem body.
        using var nul = await me.SendAsync(HttpMethod.Get, "api/chats/%00");
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
    }

    [Fact]
    public async Task Deleting_the_account_without_a_body_is_a_400_naming_the_password()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);

        using var response = await me.SendAsync(HttpMethod.Delete, "api/users/me");

        var problem = await ExpectProblemAsync(response, HttpStatusCode.BadRequest, "DELETE api/users/me without a body");
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _), problem.ToString());
        await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/users/me");
    }

    [Fact]
    public async Task A_signed_upstream_call_with_a_broken_body_is_a_400_problem()
    {
        var (app, emulator) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);

        foreach (var body in new[]
        {
            "[]",
            "\"typing\"",
            """{"type":1,"target":"typing","arguments":["\ud800"]}""",
            """{"type":1,"target":"typing","arguments":["a\u0000"]}""",
            """{"type":1,"target":"typing","arguments":[""" + new string('[', 100) + new string(']', 100) + "]}",
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/signalr/messages/typing") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("X-ASRS-Connection-Id", "fuzz-connection");
            request.Headers.Add("X-ASRS-User-Id", me.Id.ToString());
            request.Headers.Add("X-ASRS-Signature", UpstreamSignature.For(emulator.AccessKey, "fuzz-connection"));
            using var response = await http.SendAsync(request, Ct);

            await ExpectProblemAsync(response, HttpStatusCode.BadRequest, body);
        }
    }

    /// <summary>Asserts the status and a problem body with type, title and status; returns the body.</summary>
    internal static async Task<JsonElement> ExpectProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"{what}: expected {(int)expected}, got {(int)response.StatusCode} {text}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{what}: {response.Content.Headers.ContentType} {text}");
        var problem = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.True(problem.TryGetProperty("type", out var type) && type.GetString() is { Length: > 0 }, $"{what}: no type in {text}");
        Assert.True(problem.TryGetProperty("title", out var title) && title.GetString() is { Length: > 0 }, $"{what}: no title in {text}");
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }

    private async Task<T> ScalarAsync<T>(string sql, params object[] values)
    {
        await using var db = NpgsqlDataSource.Create((await env.ServersAsync()).Postgres.DirectConnectionString);
        await using var command = db.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }
}
