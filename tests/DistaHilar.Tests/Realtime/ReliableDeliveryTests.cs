using System.Net;
using DistaHilar.Dev;
using DistaHilar.SignalREmulator;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using Emulator = DistaHilar.SignalREmulator.SignalREmulator;

namespace DistaHilar.Tests.Realtime;

/// <summary>
/// The outbox under an outage: the service goes away, the app keeps acknowledging changes, and once the service is
/// back every event arrives. Uses servers of its own, so its dispatcher cannot take the shared database's rows.
/// </summary>
public sealed class ReliableDeliveryTests
{
    [Fact]
    public async Task Events_acknowledged_while_the_service_is_down_are_all_delivered_after_it_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        var state = Path.Combine(Path.GetTempPath(), "distahilar-emulator-" + Guid.NewGuid().ToString("N") + ".json");
        await using var servers = await LocalServers.StartAsync(TestEnvironment.LoggerFactory, ct);
        var appPort = LocalServices.FreePort.Next();
        var options = new EmulatorOptions
        {
            UpstreamUrlTemplate = DevEnvironment.UpstreamUrlTemplate(appPort),
            StateFile = state,
            LoggerFactory = TestEnvironment.LoggerFactory,
        };
        var emulator = await Emulator.StartAsync(options, ct);
        try
        {
            await using var app = await TestEnvironment.StartHostAsync(
                TestEnvironment.FunctionsAppDirectory,
                TestEnvironment.With(TestEnvironment.With(servers.AppSettings, TestEnvironment.GenerousLimits), TestEnvironment.RealtimeSettings(emulator)),
                runNonHttpTriggers: true, // the outbox dispatcher is what this test is about
                httpPort: appPort);
            using var http = AccountsApi.Client(app.BaseAddress);
            var owner = await ChatUser.RegisterAsync(http);
            var reader = await ChatUser.RegisterAsync(http);
            await using var events = await EventProbe.ConnectAsync(app.BaseAddress, reader.Token);
            var chatId = await owner.CreateGroupAsync(members: [reader]);
            await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"api/chats/{chatId}", new { title = "ready" });
            await events.WaitForAsync("chat.updated", e => e.GetProperty("data").GetProperty("title").GetString() == "ready");

            await emulator.DisposeAsync();
            for (var i = 0; i < 100; i++)
            {
                await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"api/chats/{chatId}", new { title = $"edit {i}" });
            }

            // The service comes back for clients first (REST still 503), so the reader is connected again before the
            // app's retries get through: the service itself keeps nothing for users who are not connected.
            emulator = await Emulator.StartAsync(options with { Port = emulator.Endpoint.Port, AccessKey = emulator.AccessKey, RestPaused = true }, ct);
            await Eventually.True(
                () => Task.FromResult(events.Hub.State == Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected),
                TimeSpan.FromSeconds(30),
                "the reader's client to reconnect");
            Assert.DoesNotContain(events.Events, e => e.Target == "chat.updated" && e.Data.GetProperty("title").GetString()!.StartsWith("edit", StringComparison.Ordinal));
            emulator.RestPaused = false;

            // The dispatcher retries until the service takes every row.
            var titles = await Eventually.Returns(
                () => Task.FromResult(events.Events.Where(e => e.Target == "chat.updated").Select(e => e.Data.GetProperty("title").GetString()).ToHashSet()),
                seen => Enumerable.Range(0, 100).All(i => seen.Contains($"edit {i}")),
                TimeSpan.FromSeconds(90),
                "all 100 edits to arrive");
            Assert.Equal(101, titles.Count); // "ready" and the 100 edits, nothing else
            // Redeliveries are allowed (clients dedupe by event id); the sequence numbers have no gaps.
            var seqs = events.Events.Where(e => e.Target == "chat.updated").Select(e => e.Seq!.Value).Distinct().Order().ToList();
            Assert.Equal(Enumerable.Range((int)seqs[0], 101).Select(i => (long)i), seqs);
        }
        finally
        {
            await emulator.DisposeAsync();
            File.Delete(state);
        }
    }
}
