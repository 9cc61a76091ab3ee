using System.Net;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Infrastructure;

namespace DistaHilar.Tests.Chats;

/// <summary>
/// Every chat route × every kind of caller, on a fresh private chat per cell (so a cell that deletes or leaves
/// cannot affect another). 404 for callers who may not see the chat; 403 for members without the right.
/// </summary>
public sealed class ChatAuthorizationMatrixTests(TestEnvironment env)
{
    private const string Callers = "stranger member moderator admin owner";

    // route                                     stranger member moderator admin owner
    private const string GroupMatrix = """
        GET    chat                              404      200    200       200   200
        PATCH  chat                              404      403    403       200   200
        DELETE chat                              404      403    403       403   204
        POST   leave                             404      204    204       204   422
        POST   invite-link                       404      403    403       200   200
        GET    members                           404      200    200       200   200
        POST   members                           404      403    403       200   200
        PATCH  members/target                    404      403    403       200   200
        PATCH  members/admin                     404      403    403       403   200
        PATCH  members/owner                     404      403    403       403   403
        DELETE members/target                    404      403    204       204   204
        DELETE members/admin                     404      403    403       204   204
        DELETE members/owner                     404      403    403       403   422
        PUT    mute                              404      204    204       204   204
        DELETE mute                              404      204    204       204   204
        """;

    // In a channel "member" is a subscriber: no member list, otherwise as in a group.
    private const string ChannelMatrix = """
        GET    chat                              404      200    200       200   200
        PATCH  chat                              404      403    403       200   200
        DELETE chat                              404      403    403       403   204
        POST   leave                             404      204    204       204   422
        POST   invite-link                       404      403    403       200   200
        GET    members                           404      403    200       200   200
        POST   members                           404      403    403       200   200
        PATCH  members/target                    404      403    403       200   200
        DELETE members/target                    404      403    204       204   204
        PUT    mute                              404      204    204       204   204
        """;

    [Theory]
    [InlineData("groups", GroupMatrix)]
    [InlineData("channels", ChannelMatrix)]
    public async Task Every_route_answers_each_caller_as_the_table_says(string kind, string matrix)
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var people = await RegisterAsync(http, "owner admin moderator member target stranger outsider");
        var callers = Callers.Split(' ');
        var failures = new List<string>();
        foreach (var line in matrix.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var (method, route) = (new HttpMethod(cells[0]), cells[1]);
            for (var i = 0; i < callers.Length; i++)
            {
                var title = "Secret " + Guid.NewGuid().ToString("N");
                var owner = people["owner"];
                var chatId = await owner.CreateGroupAsync(kind, [people["admin"], people["moderator"], people["member"], people["target"]], title: title);
                await owner.SetRoleAsync(chatId, people["admin"], "admin");
                await owner.SetRoleAsync(chatId, people["moderator"], "moderator");

                var (path, body) = Request(chatId, route, people);
                var (status, json) = await people[callers[i]].CallAsync(method, path, method == HttpMethod.Get ? null : body);
                var expected = (HttpStatusCode)int.Parse(cells[2 + i], System.Globalization.CultureInfo.InvariantCulture);
                if (status != expected)
                {
                    failures.Add($"{method} {route} as {callers[i]}: expected {(int)expected}, got {(int)status} {json}");
                }

                // A refusal never carries the chat's details.
                if ((int)status >= 400 && json.ToString().Contains(title, StringComparison.Ordinal))
                {
                    failures.Add($"{method} {route} as {callers[i]}: the {(int)status} leaks the title");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_public_channel_is_previewable_and_joinable_but_its_member_list_is_not_public()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var people = await RegisterAsync(http, "owner stranger");
        var (owner, stranger) = (people["owner"], people["stranger"]);
        var open = await owner.CreateGroupAsync("channels", isPublic: true);
        var closed = await owner.CreateGroupAsync("channels");

        var preview = await stranger.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{open}");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, preview.GetProperty("myRole").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, preview.GetProperty("inviteCode").ValueKind);
        await stranger.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Get, $"api/chats/{open}/members");
        // Visible, so not 404: but only members act on it.
        await stranger.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Patch, $"api/chats/{open}", new { title = "mine now" });
        await stranger.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/chats/{closed}");
        await stranger.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"api/chats/{closed}/join");

        var joined = await stranger.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{open}/join");
        Assert.Equal("member", joined.GetProperty("myRole").GetString());
        Assert.Equal(2, joined.GetProperty("memberCount").GetInt32());
        // A subscriber still sees only the count.
        await stranger.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Get, $"api/chats/{open}/members");
    }

    private static (string Path, object? Body) Request(Guid chatId, string route, Dictionary<string, ChatUser> people) => route switch
    {
        "chat" => ($"api/chats/{chatId}", new { title = "Renamed" }),
        "leave" => ($"api/chats/{chatId}/leave", null),
        "invite-link" => ($"api/chats/{chatId}/invite-link", null),
        "members" => ($"api/chats/{chatId}/members", new { userIds = new[] { people["outsider"].Id } }),
        "mute" => ($"api/chats/{chatId}/mute", null),
        _ when route.StartsWith("members/", StringComparison.Ordinal) => ($"api/chats/{chatId}/members/{people[route[8..]].Id}", new { role = "moderator" }),
        _ => throw new ArgumentOutOfRangeException(nameof(route), route),
    };

    private static async Task<Dictionary<string, ChatUser>> RegisterAsync(HttpClient http, string names)
    {
        var people = new Dictionary<string, ChatUser>();
        foreach (var name in names.Split(' '))
        {
            people[name] = await ChatUser.RegisterAsync(http);
        }

        return people;
    }
}
