using System.Net;
using DistaHilar.Dev;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;

namespace DistaHilar.Tests.Calls;

/// <summary>Stops the app mid-ring, so it uses servers of its own (no other app may consume the queues meanwhile).</summary>
public sealed class CallRestartTests
{
    [Fact]
    public async Task A_call_ringing_when_the_app_restarts_still_turns_missed_on_time()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var servers = await LocalServers.StartAsync(TestEnvironment.LoggerFactory, ct);
        var settings = TestEnvironment.With(servers.AppSettings, new Dictionary<string, string?> { ["Calls__RingTimeout"] = "00:00:05" });
        TestAccount alice, bob;
        Guid callId;
        DateTimeOffset started;
        await using (var app = await TestEnvironment.StartHostAsync(TestEnvironment.FunctionsAppDirectory, settings, runNonHttpTriggers: true))
        {
            using var http = AccountsApi.Client(app.BaseAddress);
            var (a, b, dialog) = await CallTests.DialogAsync(http);
            (alice, bob) = (a.Account, b.Account);
            var call = await a.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/calls", new { chatId = dialog });
            (callId, started) = (call.GetProperty("id").GetGuid(), call.GetProperty("createdAt").GetDateTimeOffset());
        }

        // Nothing of the app is left running; its ring timeout waits on the queue for the next instance.
        await using var restarted = await TestEnvironment.StartHostAsync(TestEnvironment.FunctionsAppDirectory, settings, runNonHttpTriggers: true);
        using var client = AccountsApi.Client(restarted.BaseAddress);
        var callee = new ChatUser(client, bob);

        var missed = await Eventually.Returns(
            async () => (await callee.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/calls")).GetProperty("items")[0],
            c => c.GetProperty("status").GetString() == "missed",
            TimeSpan.FromSeconds(30),
            "the call to turn missed after the restart");

        Assert.Equal(callId, missed.GetProperty("id").GetGuid());
        Assert.Equal("no_answer", missed.GetProperty("endReason").GetString());
        Assert.True(missed.GetProperty("endedAt").GetDateTimeOffset() - started >= TimeSpan.FromSeconds(5), "not before its timeout");
        Assert.Equal(alice.Id, missed.GetProperty("callerId").GetGuid());
    }
}
