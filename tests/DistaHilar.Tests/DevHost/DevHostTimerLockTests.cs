using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DistaHilar.DevHost;
using DistaHilar.Tests.Infrastructure;

namespace DistaHilar.Tests.DevHost;

/// <summary>
/// Timers take the Functions host's singleton lock in AzureWebJobsStorage: of the instances of one app (one host id)
/// one runs a timer's schedule, and another takes it over when that one stops; another app runs its own.
/// </summary>
public sealed class DevHostTimerLockTests(TestEnvironment env)
{
    [Fact]
    public async Task One_instance_of_an_app_holds_a_timer_and_another_takes_over_when_it_stops()
    {
        var ct = TestContext.Current.CancellationToken;
        var servers = await env.ServersAsync();
        var hostId = "timerlock" + Guid.NewGuid().ToString("N")[..16];
        var oneApp = TestEnvironment.With(servers.AppSettings, new Dictionary<string, string?> { [FunctionsDevHost.HostIdSetting] = hostId });
        var first = await FunctionsDevHost.StartAsync(Options(oneApp), ct);
        await using var second = await FunctionsDevHost.StartAsync(Options(oneApp), ct);
        await using var otherApp = await FunctionsDevHost.StartAsync(Options(servers.AppSettings), ct); // its own host id
        try
        {
            Assert.Equal((hostId, hostId), (first.HostId, second.HostId));
            Assert.NotEqual(hostId, otherApp.HostId);
            await Eventually.True(() => Task.FromResult(first.TimersHeld.Contains("Tick") || second.TimersHeld.Contains("Tick")), TimeSpan.FromSeconds(20), "one instance to take the Tick lock");
            await Eventually.True(() => Task.FromResult(otherApp.TimersHeld.Contains("Tick")), TimeSpan.FromSeconds(20), "the other app to take its own lock");
            var (holder, waiting) = first.TimersHeld.Contains("Tick") ? (first, second) : (second, first);
            Assert.DoesNotContain("Tick", waiting.TimersHeld);

            // The lock is the host's blob, leased.
            var locks = new BlobContainerClient(servers.Azurite.ConnectionString, "azure-webjobs-hosts");
            var blob = locks.GetBlobClient($"locks/{hostId}/Host.Functions.Tick.Listener");
            Assert.Equal(LeaseState.Leased, (await blob.GetPropertiesAsync(cancellationToken: ct)).Value.LeaseState);

            await holder.DisposeAsync(); // releases the lease as it stops

            // Sooner than the 15 s lease would run out by itself: the stopping host let it go.
            await Eventually.True(() => Task.FromResult(waiting.TimersHeld.Contains("Tick")), TimeSpan.FromSeconds(10), "the waiting instance to take the timer over");
            Assert.Equal(LeaseState.Leased, (await blob.GetPropertiesAsync(cancellationToken: ct)).Value.LeaseState);
        }
        finally
        {
            await first.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_occurrence_that_fell_due_while_nobody_held_the_lock_runs_once_past_due()
    {
        var ct = TestContext.Current.CancellationToken;
        // Storage of its own: the sample's Tick records each run where other DevHost tests count them.
        await using var azurite = await LocalServices.AzuriteServer.StartAsync(ct: ct);
        var hostId = "pastdue" + Guid.NewGuid().ToString("N")[..16];
        var locks = new BlobContainerClient(azurite.ConnectionString, "azure-webjobs-hosts");
        await locks.CreateIfNotExistsAsync(cancellationToken: ct);
        var status = locks.GetBlobClient($"timers/{hostId}/Host.Functions.Tick/status");
        var missed = new DateTimeOffset(DateTime.UtcNow.Year, 1, 1, 0, 0, 0, TimeSpan.Zero); // Tick's last occurrence
        await status.UploadAsync(BinaryData.FromObjectAsJson(new { Last = missed.AddYears(-1), Next = missed, LastUpdated = missed.AddYears(-1) }), ct);
        var settings = new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString, [FunctionsDevHost.HostIdSetting] = hostId };

        await using var host = await FunctionsDevHost.StartAsync(Options(settings), ct);

        var run = await Eventually.Returns(() => Task.FromResult(host.TimerRuns.SingleOrDefault(r => r.Function == "Tick")), r => r is not null, TimeSpan.FromSeconds(20), "the missed occurrence to run");
        Assert.Equal((missed, true), (run!.ScheduledFor, run.IsPastDue));
        var results = new BlobContainerClient(azurite.ConnectionString, "devhost-sample");
        var seen = await Eventually.Returns(
            async () =>
            {
                var bodies = new List<string>();
                if (await results.ExistsAsync(ct))
                {
                    await foreach (var blob in results.GetBlobsAsync(BlobTraits.None, BlobStates.None, "timer/", cancellationToken: ct))
                    {
                        bodies.Add((await results.GetBlobClient(blob.Name).DownloadContentAsync(ct)).Value.Content.ToString());
                    }
                }

                return bodies;
            },
            b => b.Count > 0,
            TimeSpan.FromSeconds(20),
            "the function to record its run");
        Assert.Equal(["True"], seen); // the worker was told it ran late, and it ran once
        // The status moved on to the next occurrence, so the next holder does not run this one again.
        var written = await Eventually.Returns(
            async () => (await status.DownloadContentAsync(ct)).Value.Content.ToObjectFromJson<System.Text.Json.JsonElement>(),
            j => j.GetProperty("Last").GetDateTimeOffset() == missed,
            TimeSpan.FromSeconds(20),
            "the schedule status to record the run");
        Assert.Equal(missed.AddYears(1), written.GetProperty("Next").GetDateTimeOffset());
    }

    private static DevHostOptions Options(IReadOnlyDictionary<string, string?> settings) => new()
    {
        AppDirectory = TestEnvironment.SampleAppDirectory,
        Settings = settings,
        ReadLocalSettings = false,
        LoggerFactory = TestEnvironment.LoggerFactory,
        TimerLockPeriod = TimeSpan.FromSeconds(15),
        TimerLockRecoveryInterval = TimeSpan.FromMilliseconds(250),
    };
}
