using System.Net;
using DistaHilar.Dev;
using DistaHilar.SignalREmulator;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using Emulator = DistaHilar.SignalREmulator.SignalREmulator;

namespace DistaHilar.Tests.Realtime;

/// <summary>
/// A send is acknowledged once it is committed with its event (outbox), not once the SignalR Service took the event:
/// the publish runs after the response, in the same invocation. An emulator of its own holds the app's REST calls.
/// </summary>
public sealed class AckBeforePublishTests(TestEnvironment env)
{
    [Fact]
    public async Task A_send_is_answered_while_its_event_is_still_on_its_way_to_the_service_and_then_delivered()
    {
        var ct = TestContext.Current.CancellationToken;
        var servers = await env.ServersAsync();
        var appPort = LocalServices.FreePort.Next();
        await using var emulator = await Emulator.StartAsync(new EmulatorOptions { UpstreamUrlTemplate = DevEnvironment.UpstreamUrlTemplate(appPort), LoggerFactory = TestEnvironment.LoggerFactory }, ct);
        // A REST timeout beyond the test client's: before, a held publish would have held the answer until the client gave up.
        var settings = TestEnvironment.With(TestEnvironment.With(servers.AppSettings, TestEnvironment.GenerousLimits), TestEnvironment.RealtimeSettings(emulator));
        await using var app = await TestEnvironment.StartHostAsync(TestEnvironment.FunctionsAppDirectory, TestEnvironment.With(settings, new Dictionary<string, string?> { ["SignalR__RequestTimeout"] = "00:02:00" }), httpPort: appPort);
        using var http = AccountsApi.Client(app.BaseAddress);
        var alice = await ChatUser.RegisterAsync(http);
        var bob = await ChatUser.RegisterAsync(http);
        await using var events = await EventProbe.ConnectAsync(app.BaseAddress, bob.Token);
        var chatId = await alice.CreateGroupAsync(members: [bob]);
        await alice.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{chatId}/messages", new { clientMessageId = "ready", text = "ready" });
        await events.WaitForAsync("message.created", e => e.GetProperty("data").GetProperty("text").GetString() == "ready");

        var hold = emulator.HoldRest();
        try
        {
            var sent = await alice.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{chatId}/messages", new { clientMessageId = "held", text = "held" });
            Assert.Equal(2, sent.GetProperty("seq").GetInt64());
            await Eventually.True(() => Task.FromResult(emulator.HeldRestCalls == 1), TimeSpan.FromSeconds(20), "the send's publish to be waiting at the service");
            Assert.False(events.Has("message.created", e => e.GetProperty("data").GetProperty("text").GetString() == "held"));
        }
        finally
        {
            hold.Dispose();
        }

        var delivered = await events.WaitForAsync("message.created", e => e.GetProperty("data").GetProperty("text").GetString() == "held");
        Assert.Equal(2, delivered.Data.GetProperty("seq").GetInt64());
        Assert.Equal(0, emulator.HeldRestCalls);
    }
}
