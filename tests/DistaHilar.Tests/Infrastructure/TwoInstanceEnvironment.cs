using DistaHilar.Dev;
using DistaHilar.DevHost;
using DistaHilar.LocalServices;
using DistaHilar.SignalREmulator;
using Emulator = DistaHilar.SignalREmulator.SignalREmulator;

namespace DistaHilar.Tests.Infrastructure;

/// <summary>
/// The app scaled out to two instances: two DevHosts (two workers) on their own ports with the same settings (signing
/// key included) and host id, against one database, one storage account and one SignalR emulator, with their timers
/// and queue triggers running. Clients reach them through <see cref="Front"/>, a round robin, and the emulator's
/// upstream goes through <see cref="Upstream"/>, another one: in Azure both pass the app's load balancer, but each has
/// its own turn here so a test's sequence of requests, and of upstream events, alternates predictably. Services of its
/// own, so its dispatchers and queue listeners take no other app's work.
/// </summary>
public sealed class TwoInstanceEnvironment : IAsyncDisposable
{
    /// <summary>The host id both instances share, which makes them one app for the timers' singleton locks.</summary>
    public const string HostId = "distahilar-two";

    private TwoInstanceEnvironment(LocalServers servers, Emulator signalR, RoundRobinProxy upstream, RoundRobinProxy front, IReadOnlyList<FunctionsDevHost> hosts)
    {
        Servers = servers;
        SignalR = signalR;
        Upstream = upstream;
        Front = front;
        Hosts = hosts;
    }

    public LocalServers Servers { get; }

    public Emulator SignalR { get; }

    /// <summary>Where the emulator posts connection events and hub calls; it hands them to the instances in turn.</summary>
    public RoundRobinProxy Upstream { get; }

    /// <summary>The app's public address: each request goes to the next instance.</summary>
    public RoundRobinProxy Front { get; }

    public IReadOnlyList<FunctionsDevHost> Hosts { get; }

    /// <summary>
    /// Settings both instances run with: the shared realtime app's, plus the host id, and the production claim delay
    /// (10 s) instead of the tests' 2 s, so a request's own publish on a loaded machine is never raced by a dispatcher
    /// (which the contract allows, as at-least-once, but these tests count deliveries).
    /// </summary>
    public static IReadOnlyDictionary<string, string?> Settings(LocalServers servers, Emulator emulator) =>
        TestEnvironment.With(
            TestEnvironment.With(TestEnvironment.With(servers.AppSettings, TestEnvironment.GenerousLimits), TestEnvironment.RealtimeSettings(emulator)),
            new Dictionary<string, string?>
            {
                [FunctionsDevHost.HostIdSetting] = HostId,
                ["SignalR__OutboxClaimDelay"] = "00:00:10",
            });

    public static async Task<TwoInstanceEnvironment> StartAsync(CancellationToken ct = default)
    {
        var servers = await LocalServers.StartAsync(TestEnvironment.LoggerFactory, ct);
        Emulator? emulator = null;
        RoundRobinProxy? upstream = null;
        RoundRobinProxy? front = null;
        var hosts = new List<FunctionsDevHost>();
        try
        {
            int[] ports = [FreePort.Next(), FreePort.Next()];
            var backends = ports.Select(p => new Uri($"http://127.0.0.1:{p}/")).ToList();
            upstream = await RoundRobinProxy.StartAsync(backends, ct: ct);
            front = await RoundRobinProxy.StartAsync(backends, ct: ct);
            emulator = await Emulator.StartAsync(new EmulatorOptions
            {
                // The real service posts to one URL: the app's, behind its load balancer.
                UpstreamUrlTemplate = DevEnvironment.UpstreamUrlTemplate(upstream.BaseAddress.Port),
                LoggerFactory = TestEnvironment.LoggerFactory,
            }, ct);
            var settings = Settings(servers, emulator);
            var starts = ports.Select(p => TestEnvironment.StartHostAsync(TestEnvironment.FunctionsAppDirectory, settings, runNonHttpTriggers: true, httpPort: p)).ToList();
            try
            {
                await Task.WhenAll(starts);
            }
            finally
            {
                // Whatever started is stopped with the rest if the other failed.
                hosts.AddRange(starts.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result));
            }

            return new TwoInstanceEnvironment(servers, emulator, upstream, front, hosts);
        }
        catch
        {
            await StopAsync(hosts, emulator, upstream, front, servers);
            throw;
        }
    }

    public HttpClient Client() => new() { BaseAddress = Front.BaseAddress };

    /// <summary>A client of one instance only (as a client behind a sticky balancer would be).</summary>
    public HttpClient ClientOf(int instance) => new() { BaseAddress = Hosts[instance].BaseAddress };

    public ValueTask DisposeAsync() => StopAsync(Hosts, SignalR, Upstream, Front, Servers);

    private static async ValueTask StopAsync(IEnumerable<FunctionsDevHost> hosts, Emulator? emulator, RoundRobinProxy? upstream, RoundRobinProxy? front, LocalServers servers)
    {
        foreach (var host in hosts.Distinct())
        {
            await host.DisposeAsync();
        }

        if (emulator is not null)
        {
            await emulator.DisposeAsync();
        }

        if (upstream is not null)
        {
            await upstream.DisposeAsync();
        }

        if (front is not null)
        {
            await front.DisposeAsync();
        }

        await servers.DisposeAsync();
    }
}
