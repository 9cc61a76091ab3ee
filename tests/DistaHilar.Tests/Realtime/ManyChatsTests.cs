using System.Net;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;

namespace DistaHilar.Tests.Realtime;

/// <summary>
/// The service keeps only a user's newest 100 group memberships without a ttl (the emulator enforces it too); a user
/// in 1,000 chats must still get every chat's events.
/// </summary>
public sealed class ManyChatsTests(TestEnvironment env)
{
    private const int Chats = 1000;

    [Fact]
    public async Task A_user_in_1000_chats_receives_events_from_every_one()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var owner = await ChatUser.RegisterAsync(http);
        var reader = await ChatUser.RegisterAsync(http);
        await using var events = await EventProbe.ConnectAsync(app.BaseAddress, reader.Token);

        var chatIds = new Guid[Chats];
        await Parallel.ForAsync(0, Chats, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = TestContext.Current.CancellationToken }, async (i, _) =>
            chatIds[i] = await owner.CreateGroupAsync(members: [reader]));
        await Eventually.True(
            () => Task.FromResult(events.Events.Count(e => e.Target == "chat.created") >= Chats),
            TimeSpan.FromSeconds(60),
            "chat.created for every chat");

        // The oldest chats are the ones a 100-group cap would have dropped.
        await Parallel.ForAsync(0, Chats, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = TestContext.Current.CancellationToken }, async (i, _) =>
            await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"api/chats/{chatIds[i]}", new { title = "renamed" }));

        var updated = await Eventually.Returns(
            () => Task.FromResult(events.Events.Where(e => e.Target == "chat.updated").Select(e => e.Envelope.GetProperty("chatId").GetGuid()).ToHashSet()),
            seen => seen.Count >= Chats,
            TimeSpan.FromSeconds(60),
            "chat.updated from all 1,000 chats");
        Assert.True(chatIds.ToHashSet().SetEquals(updated));
    }
}
