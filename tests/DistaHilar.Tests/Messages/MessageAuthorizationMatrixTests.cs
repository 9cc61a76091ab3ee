using System.Net;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;

namespace DistaHilar.Tests.Messages;

/// <summary>
/// Every message route × every kind of caller, on a fresh private chat per cell. The target message is written by
/// another member ("author": a member of the group, an admin of the channel), so edits are never the caller's own.
/// </summary>
public sealed class MessageAuthorizationMatrixTests(TestEnvironment env)
{
    private const string Callers = "stranger member moderator admin owner";

    // route                       stranger member moderator admin owner
    private const string GroupMatrix = """
        send                       404      201    201       201   201
        history                    404      200    200       200   200
        edit                       404      403    403       403   403
        delete-for-everyone        404      403    204       204   204
        delete-for-me              404      204    204       204   204
        pin                        404      403    204       204   204
        unpin                      404      403    204       204   204
        react                      404      200    200       200   200
        unreact                    404      204    204       204   204
        reactions                  404      200    200       200   200
        read                       404      200    200       200   200
        forward-here               404      201    201       201   201
        forward-out                404      201    201       201   201
        search                     404      200    200       200   200
        """;

    // In a channel "member" is a subscriber and only the owner and admins post.
    private const string ChannelMatrix = """
        send                       404      403    403       201   201
        history                    404      200    200       200   200
        edit                       404      403    403       403   403
        delete-for-everyone        404      403    204       204   204
        delete-for-me              404      204    204       204   204
        pin                        404      403    204       204   204
        react                      404      200    200       200   200
        read                       404      200    200       200   200
        forward-here               404      403    403       201   201
        forward-out                404      201    201       201   201
        search                     404      200    200       200   200
        """;

    [Theory]
    [InlineData("groups", GroupMatrix)]
    [InlineData("channels", ChannelMatrix)]
    public async Task Every_message_route_answers_each_caller_as_the_table_says(string kind, string matrix)
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var people = new Dictionary<string, ChatUser>();
        foreach (var name in "owner admin moderator member author stranger".Split(' '))
        {
            people[name] = await ChatUser.RegisterAsync(http);
        }

        var callers = Callers.Split(' ');
        var failures = new List<string>();
        foreach (var line in matrix.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var cells = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < callers.Length; i++)
            {
                var owner = people["owner"];
                var chatId = await owner.CreateGroupAsync(kind, [people["admin"], people["moderator"], people["member"], people["author"]]);
                await owner.SetRoleAsync(chatId, people["admin"], "admin");
                await owner.SetRoleAsync(chatId, people["moderator"], "moderator");
                if (kind == "channels")
                {
                    await owner.SetRoleAsync(chatId, people["author"], "admin");
                }

                var target = (await people["author"].ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{chatId}/messages", new { clientMessageId = Guid.NewGuid().ToString(), text = "target" })).GetProperty("id").GetGuid();
                if (cells[0] is "unpin" or "unreact")
                {
                    await owner.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"api/chats/{chatId}/messages/{target}/pin");
                    if (callers[i] != "stranger")
                    {
                        await people[callers[i]].ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, $"api/chats/{chatId}/messages/{target}/reactions", new { emoji = "👍" });
                    }
                }

                // forward-out copies the target into a group of the caller's own.
                var elsewhere = cells[0] == "forward-out" ? await people[callers[i]].CreateGroupAsync() : Guid.Empty;
                var (method, path, body) = cells[0] switch
                {
                    "send" => (HttpMethod.Post, $"api/chats/{chatId}/messages", (object?)new { clientMessageId = Guid.NewGuid().ToString(), text = "hi" }),
                    "history" => (HttpMethod.Get, $"api/chats/{chatId}/messages", null),
                    "edit" => (HttpMethod.Patch, $"api/chats/{chatId}/messages/{target}", new { text = "changed" }),
                    "delete-for-everyone" => (HttpMethod.Post, $"api/chats/{chatId}/messages/delete", new { messageIds = new[] { target }, forEveryone = true }),
                    "delete-for-me" => (HttpMethod.Post, $"api/chats/{chatId}/messages/delete", new { messageIds = new[] { target }, forEveryone = false }),
                    "pin" => (HttpMethod.Put, $"api/chats/{chatId}/messages/{target}/pin", null),
                    "unpin" => (HttpMethod.Delete, $"api/chats/{chatId}/messages/{target}/pin", null),
                    "react" => (HttpMethod.Put, $"api/chats/{chatId}/messages/{target}/reactions", new { emoji = "🔥" }),
                    "unreact" => (HttpMethod.Delete, $"api/chats/{chatId}/messages/{target}/reactions", null),
                    "reactions" => (HttpMethod.Get, $"api/chats/{chatId}/messages/{target}/reactions", null),
                    "read" => (HttpMethod.Post, $"api/chats/{chatId}/read", new { upToMessageId = target }),
                    "forward-here" => (HttpMethod.Post, $"api/chats/{chatId}/messages/forward", new { fromChatId = chatId, messageIds = new[] { target } }),
                    "forward-out" => (HttpMethod.Post, $"api/chats/{elsewhere}/messages/forward", new { fromChatId = chatId, messageIds = new[] { target } }),
                    "search" => (HttpMethod.Get, $"api/chats/{chatId}/messages/search?q=target", null),
                    _ => throw new InvalidOperationException(cells[0]),
                };
                var (status, json) = await people[callers[i]].CallAsync(method, path, body);
                var expected = (HttpStatusCode)int.Parse(cells[1 + i], System.Globalization.CultureInfo.InvariantCulture);
                if (status != expected)
                {
                    failures.Add($"{cells[0]} as {callers[i]}: expected {(int)expected}, got {(int)status} {json}");
                }

                // A refusal never shows the message.
                if ((int)status >= 400 && json.ToString().Contains("target", StringComparison.Ordinal))
                {
                    failures.Add($"{cells[0]} as {callers[i]}: the {(int)status} leaks the message");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
