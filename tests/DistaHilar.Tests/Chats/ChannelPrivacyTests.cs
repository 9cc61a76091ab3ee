using System.Net;
using System.Text.Json;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Infrastructure;
using DistaHilar.Tests.Realtime;

namespace DistaHilar.Tests.Chats;

/// <summary>
/// Subscribers of a channel do not learn who else subscribes: joins and leaves reach only the staff and the member
/// concerned (live and in the change log, without a chat seq, so nobody sees a gap), and who reacted to a post is
/// for the staff; everyone sees the counts.
/// </summary>
public sealed class ChannelPrivacyTests(TestEnvironment env)
{
    [Fact]
    public async Task Joins_leaves_and_reactors_of_a_channel_reach_only_its_staff_and_the_member_concerned()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var owner = await ChatUser.RegisterAsync(http);
        var moderator = await ChatUser.RegisterAsync(http);
        var watcher = await ChatUser.RegisterAsync(http);
        var newcomer = await ChatUser.RegisterAsync(http);
        var channel = await owner.CreateGroupAsync("channels", members: [moderator, watcher], isPublic: true);
        await owner.SetRoleAsync(channel, moderator, "moderator");
        var watcherStart = (await watcher.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/updates")).GetProperty("nextCursor").GetString();
        var ownerStart = (await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/updates")).GetProperty("nextCursor").GetString();
        await using var ownerEvents = await EventProbe.ConnectAsync(app.BaseAddress, owner.Token);
        await using var moderatorEvents = await EventProbe.ConnectAsync(app.BaseAddress, moderator.Token);
        await using var watcherEvents = await EventProbe.ConnectAsync(app.BaseAddress, watcher.Token);
        var before = await PostAsync(owner, channel, "before");

        await newcomer.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{channel}/join");
        await ownerEvents.WaitForAsync("member.joined", e => Joined(e) == newcomer.Id, what: "the owner to hear the join");
        await moderatorEvents.WaitForAsync("member.joined", e => Joined(e) == newcomer.Id, what: "the moderator to hear the join");
        await newcomer.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"api/chats/{channel}/leave");
        await ownerEvents.WaitForAsync("member.left", e => e.GetProperty("data").GetProperty("userId").GetGuid() == newcomer.Id, what: "the owner to hear the leave");

        // The next post is the watcher's next event: no seq was spent on what they may not see.
        var after = await PostAsync(owner, channel, "after");
        var first = await watcherEvents.WaitForAsync("message.created", e => e.GetProperty("data").GetProperty("id").GetGuid() == before.Id);
        var second = await watcherEvents.WaitForAsync("message.created", e => e.GetProperty("data").GetProperty("id").GetGuid() == after.Id);
        Assert.Equal(first.Seq + 1, second.Seq);
        Assert.DoesNotContain(watcherEvents.Events, e => e.Target is "member.joined" or "member.left");

        // The change log holds events back while an older transaction is still open (another test's, on the shared
        // database): the owner's log is awaited, and the watcher's read after it reaches at least as far.
        bool InChannel(JsonElement e, string type) => e.GetProperty("type").GetString() == type && e.GetProperty("chatId").GetGuid() == channel;
        await Eventually.True(
            async () => await LogAsync(owner, ownerStart) is var ownerLog && ownerLog.Any(e => InChannel(e, "member.joined")) && ownerLog.Any(e => InChannel(e, "member.left")),
            TimeSpan.FromSeconds(30),
            "the owner's change log to have the join and the leave");
        var watcherLog = await LogAsync(watcher, watcherStart);
        Assert.Contains(watcherLog, e => InChannel(e, "message.created"));
        Assert.DoesNotContain(watcherLog, e => e.GetProperty("type").GetString() is "member.joined" or "member.left");

        // Who reacted: staff only; the counts are public.
        await watcher.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, $"api/chats/{channel}/messages/{after.Id}/reactions", new { emoji = "👍" });
        await moderator.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{channel}/messages/{after.Id}/reactions");
        var stranger = await ChatUser.RegisterAsync(http);
        await stranger.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Get, $"api/chats/{channel}/messages/{after.Id}/reactions");
        await watcher.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Get, $"api/chats/{channel}/messages/{after.Id}/reactions");
        var reactors = await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{channel}/messages/{after.Id}/reactions");
        Assert.Equal(watcher.Id, reactors.GetProperty("items")[0].GetProperty("user").GetProperty("id").GetGuid());
        var counts = (await watcher.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{channel}/messages?limit=1")).GetProperty("items")[0].GetProperty("reactions");
        Assert.Equal(1, counts[0].GetProperty("count").GetInt32());
    }

    private static Guid Joined(JsonElement envelope) => envelope.GetProperty("data").GetProperty("members")[0].GetProperty("user").GetProperty("id").GetGuid();

    private static async Task<List<JsonElement>> LogAsync(ChatUser user, string? since) =>
        [.. (await user.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/updates?since={since}&limit=500")).GetProperty("items").EnumerateArray()];

    private static async Task<(Guid Id, long Seq)> PostAsync(ChatUser sender, Guid chatId, string text)
    {
        var posted = await sender.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{chatId}/messages", new { clientMessageId = Guid.NewGuid().ToString(), text });
        return (posted.GetProperty("id").GetGuid(), posted.GetProperty("seq").GetInt64());
    }
}
