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
