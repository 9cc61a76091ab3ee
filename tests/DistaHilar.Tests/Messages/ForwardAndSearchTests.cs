using System.Net;
using System.Text.Json;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;

namespace DistaHilar.Tests.Messages;

/// <summary>Forwards, full-text search and dialog read marks through the app.</summary>
public sealed class ForwardAndSearchTests(TestEnvironment env)
{
    private static object Text(string text) => new { clientMessageId = Guid.NewGuid().ToString(), text };

    [Fact]
    public async Task Forwards_keep_the_first_original_are_idempotent_and_only_come_from_readable_chats()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var a = await ChatUser.RegisterAsync(http);
        var b = await ChatUser.RegisterAsync(http);
        var c = await ChatUser.RegisterAsync(http);
        var o = await ChatUser.RegisterAsync(http);
        var g = await a.CreateGroupAsync(members: [b]);
        var dialog = (await a.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/chats/dialogs", new { userId = c.Id })).GetProperty("id").GetGuid();
        var m1 = await Send(b, g, "first words");
        var m2 = await Send(b, g, "second words");

        var body = new { fromChatId = g, messageIds = new[] { m2, m1 }, clientMessageId = "fwd-" + Guid.NewGuid().ToString("N") };
        var copies = (await a.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{dialog}/messages/forward", body)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["first words", "second words"], copies.Select(m => m.GetProperty("text").GetString()));
        Assert.Equal([1L, 2L], copies.Select(m => m.GetProperty("seq").GetInt64()));
        Assert.All(copies, m => Assert.Equal(a.Id, m.GetProperty("senderId").GetGuid()));
        Assert.All(copies, m => Assert.False(m.GetProperty("readByPeer").GetBoolean()));
        var from = copies[0].GetProperty("forwardedFrom");
        // The source is a private group: its id is not shown to the dialog (c is not in it), only the author.
        Assert.Equal((b.Id, JsonValueKind.Null, m1), (from.GetProperty("senderId").GetGuid(), from.GetProperty("chatId").ValueKind, from.GetProperty("messageId").GetGuid()));
        // The copy is not the forwarder's words: it cannot be edited.
        await a.ExpectAsync(HttpStatusCode.UnprocessableEntity, HttpMethod.Patch, $"api/chats/{dialog}/messages/{Id(copies[0])}", new { text = "words b never wrote" });

        var retried = await a.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{dialog}/messages/forward", body);
        Assert.Equal(copies.Select(Id), retried.GetProperty("items").EnumerateArray().Select(Id));
        Assert.Equal(2, await CountAsync(a, dialog));

        // A forward of a forward still names the first original.
        var cGroup = await c.CreateGroupAsync();
        var again = (await c.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{cGroup}/messages/forward", new { fromChatId = dialog, messageIds = new[] { Id(copies[1]) } }))
            .GetProperty("items")[0].GetProperty("forwardedFrom");
        Assert.Equal((b.Id, JsonValueKind.Null, m2), (again.GetProperty("senderId").GetGuid(), again.GetProperty("chatId").ValueKind, again.GetProperty("messageId").GetGuid()));
        Assert.Equal(JsonValueKind.Null, (await a.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{g}/messages?limit=1")).GetProperty("items")[0].GetProperty("readByPeer").ValueKind);

        // Sources: a private chat I am not in is invisible; a public channel is readable by anyone.
        var privateGroup = await o.CreateGroupAsync();
        var secret = await Send(o, privateGroup, "secret");
        await a.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"api/chats/{dialog}/messages/forward", new { fromChatId = privateGroup, messageIds = new[] { secret } });
        var channel = await o.CreateGroupAsync("channels", isPublic: true);
        var post = await Send(o, channel, "news");
        var fromChannel = await a.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{dialog}/messages/forward", new { fromChatId = channel, messageIds = new[] { post } });
        Assert.Equal(channel, fromChannel.GetProperty("items")[0].GetProperty("forwardedFrom").GetProperty("chatId").GetGuid());

        // All or nothing: one id of another chat, a deleted one, or one hidden for me fails the whole forward.
        var before = await CountAsync(a, dialog);
        await a.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"api/chats/{dialog}/messages/forward", new { fromChatId = g, messageIds = new[] { m1, secret } });
        var m3 = await Send(b, g, "soon gone");
        await b.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"api/chats/{g}/messages/delete", new { messageIds = new[] { m3 }, forEveryone = true });
        await a.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"api/chats/{dialog}/messages/forward", new { fromChatId = g, messageIds = new[] { m1, m3 } });
        await a.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"api/chats/{g}/messages/delete", new { messageIds = new[] { m2 }, forEveryone = false });
        await a.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"api/chats/{dialog}/messages/forward", new { fromChatId = g, messageIds = new[] { m2 } });
        Assert.Equal(before, await CountAsync(a, dialog));

        // Targets: a channel subscriber cannot post; a chat I cannot see is 404; bad bodies are 400.
        await a.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{channel}/join");
        await a.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Post, $"api/chats/{channel}/messages/forward", new { fromChatId = g, messageIds = new[] { m1 } });
        await a.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"api/chats/{privateGroup}/messages/forward", new { fromChatId = g, messageIds = new[] { m1 } });
        foreach (var bad in new object[]
        {
            new { fromChatId = g, messageIds = Array.Empty<Guid>() },
            new { fromChatId = g, messageIds = new[] { m1, m1 } },
            new { messageIds = new[] { m1 } },
            new { fromChatId = g, messageIds = Enumerable.Range(0, 101).Select(_ => Guid.NewGuid()).ToArray() },
            new { fromChatId = g, messageIds = new[] { m1 }, clientMessageId = new string('k', 61) },
            new { fromChatId = "nope", messageIds = new[] { m1 } },
        })
        {
            await a.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"api/chats/{dialog}/messages/forward", bad);
        }

        Assert.Equal(before, await CountAsync(a, dialog));
    }

    [Fact]
    public async Task Dialog_history_marks_what_the_peer_has_read()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var a = await ChatUser.RegisterAsync(http);
        var c = await ChatUser.RegisterAsync(http);
        var dialog = (await a.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/chats/dialogs", new { userId = c.Id })).GetProperty("id").GetGuid();
        var first = await Send(a, dialog, "one");
        await Send(a, dialog, "two");
        await c.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{dialog}/read", new { upToMessageId = first });
        var marks = (await a.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{dialog}/messages")).GetProperty("items").EnumerateArray()
            .Select(m => (m.GetProperty("text").GetString(), m.GetProperty("readByPeer").GetBoolean()));
        Assert.Equal([("two", false), ("one", true)], marks);
    }

    [Fact]
    public async Task Search_finds_words_by_prefix_in_any_language_only_in_my_current_chats_and_pages_exactly()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var a = await ChatUser.RegisterAsync(http);
        var b = await ChatUser.RegisterAsync(http);
        var word = "zq" + Guid.NewGuid().ToString("N")[..10]; // unique to this test, so other tests' messages never match
        var g = await a.CreateGroupAsync(members: [b]);
        var left = await b.CreateGroupAsync(members: [a]);
        var notMine = await b.CreateGroupAsync();
        var g1 = await Send(b, g, $"{word} world from Grozny");
        var g2 = await Send(a, g, $"{word} again");
        var g3 = await Send(b, g, $"Привет мир {word}");
        await Send(b, g, "nothing here");
        var hidden = await Send(b, g, $"{word} hidden for me");
        await a.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"api/chats/{g}/messages/delete", new { messageIds = new[] { hidden }, forEveryone = false });
        var gone = await Send(b, g, $"{word} deleted");
        await b.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"api/chats/{g}/messages/delete", new { messageIds = new[] { gone }, forEveryone = true });
        var inLeft = await Send(b, left, $"{word} in a chat a leaves");
        await a.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"api/chats/{left}/leave");
        var privateOne = await Send(b, notMine, $"{word} private");

        Assert.Equal([g3, g2, g1], await SearchAsync(a, $"api/chats/{g}/messages/search?q={word}"));
        Assert.Equal([g3, g2, g1], await SearchAsync(a, $"api/chats/{g}/messages/search?q={word[..6].ToUpperInvariant()}"));
        Assert.Equal([g1], await SearchAsync(a, $"api/chats/{g}/messages/search?q={Uri.EscapeDataString(word + " WOR")}"));
        Assert.Equal([g3], await SearchAsync(a, $"api/chats/{g}/messages/search?q={Uri.EscapeDataString("ПРИВЕТ " + word)}"));
        Assert.Equal([g3, g2, g1], await SearchAsync(a, $"api/messages/search?q={word}&limit=1"));
        // b still sees what a hid for themselves and the chat a left.
        Assert.Equal([privateOne, inLeft, hidden, g3, g2, g1], await SearchAsync(b, $"api/messages/search?q={word}&limit=2"));
        Assert.Empty(await SearchAsync(a, $"api/messages/search?q={Uri.EscapeDataString(word + " private")}"));
        await a.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/chats/{notMine}/messages/search?q={word}");

        // Query syntax in the input is just text.
        Assert.Equal([g1], await SearchAsync(a, $"api/chats/{g}/messages/search?q={Uri.EscapeDataString($"'{word}' & !(Grozny:* | ")}"));
        foreach (var bad in new[] { "", "q=", "q=" + Uri.EscapeDataString("!!! ?"), "q=" + new string('a', 257), $"q={word}&cursor=nope", $"q={word}&limit=0" })
        {
            await a.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Get, $"api/messages/search?{bad}");
        }
    }

    private static Guid Id(JsonElement message) => message.GetProperty("id").GetGuid();

    private static async Task<Guid> Send(ChatUser user, Guid chatId, string text) =>
        Id(await user.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{chatId}/messages", Text(text)));

    private static async Task<int> CountAsync(ChatUser user, Guid chatId) =>
        (await user.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{chatId}/messages?limit=100")).GetProperty("items").GetArrayLength();

    /// <summary>Every page of a search, followed through nextCursor.</summary>
    private static async Task<List<Guid>> SearchAsync(ChatUser user, string path)
    {
        var found = new List<Guid>();
        var next = path;
        for (var pages = 0; pages < 20; pages++)
        {
            var page = await user.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, next);
            found.AddRange(page.GetProperty("items").EnumerateArray().Select(Id));
            if (page.GetProperty("nextCursor").GetString() is not { } cursor)
            {
                return found;
            }

            next = $"{path}&cursor={cursor}";
        }

        throw new InvalidOperationException("Search did not end within 20 pages.");
    }
}
