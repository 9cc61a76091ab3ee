using System.Net;
using System.Reflection;
using DistaHilar.Dev;
using DistaHilar.DevHost;
using DistaHilar.LocalServices;
using DistaHilar.SignalREmulator;
using Microsoft.Extensions.Logging;
using Emulator = DistaHilar.SignalREmulator.SignalREmulator;

[assembly: AssemblyFixture(typeof(DistaHilar.Tests.Infrastructure.TestEnvironment))]

namespace DistaHilar.Tests.Infrastructure;

/// <summary>
/// One set of real services for the whole test run (PostgreSQL via PgBouncer, Azurite) and the real built
/// worker under the DevHost, started on first use and stopped when the run ends.
/// </summary>
public sealed class TestEnvironment : IAsyncLifetime
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private LocalServers? servers;
    private FunctionsDevHost? app;
    private FunctionsDevHost? sampleApp;
    private FunctionsDevHost? realtimeApp;
    private Emulator? emulator;
    private WebClientEnvironment? webClient;
    private TwoInstanceEnvironment? twoInstances;

    public static string FunctionsAppDirectory => Metadata("FunctionsAppDirectory");

    public static string SampleAppDirectory => Metadata("SampleAppDirectory");

    public static ILoggerFactory LoggerFactory { get; } = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b
        .AddSimpleConsole(o => o.SingleLine = true)
        .SetMinimumLevel(LogLevel.Warning));

    public async Task<LocalServers> ServersAsync() =>
        await Once(() => servers, async () => servers = await LocalServers.StartAsync(LoggerFactory));

    /// <summary>
    /// The DistaHilar function app without realtime. Its timers and queue triggers do not run (tests invoke them
    /// through the admin API): the realtime app below is the only consumer of the shared queues and outbox, since
    /// a second consumer without realtime would take read events and publish nothing.
    /// </summary>
    public async Task<FunctionsDevHost> AppAsync()
    {
        var s = await ServersAsync();
        return await Once(() => app, async () => app = await StartHostAsync(FunctionsAppDirectory, With(s.AppSettings, GenerousLimits), runNonHttpTriggers: false));
    }

    /// <summary>
    /// The function app wired to a SignalR emulator (the emulator's upstream points at the app), with its timers
    /// running: the only shared app that publishes realtime events, so its outbox dispatcher owns the shared database's rows.
    /// </summary>
    public async Task<(FunctionsDevHost App, Emulator SignalR)> RealtimeAsync()
    {
        var s = await ServersAsync();
        await Once(() => realtimeApp, async () =>
        {
            var port = FreePort.Next();
            emulator = await Emulator.StartAsync(new EmulatorOptions
            {
                UpstreamUrlTemplate = DevEnvironment.UpstreamUrlTemplate(port),
                LoggerFactory = LoggerFactory,
            });
            realtimeApp = await StartHostAsync(FunctionsAppDirectory, With(With(s.AppSettings, GenerousLimits), RealtimeSettings(emulator)), runNonHttpTriggers: true, httpPort: port);
        });
        return (realtimeApp!, emulator!);
    }

    /// <summary>Settings that connect an app to an emulator, with quick outbox retries for tests that cut the service off.</summary>
    public static IReadOnlyDictionary<string, string?> RealtimeSettings(Emulator emulator) => new Dictionary<string, string?>
    {
        ["SignalR__ConnectionString"] = emulator.ConnectionString,
        ["SignalR__OutboxClaimDelay"] = "00:00:02",
        ["SignalR__OutboxMaxRetryDelay"] = "00:00:02",
        ["Calls__RingTimeout"] = "00:00:06",
        ["Calls__DisconnectGrace"] = "00:00:02",
        ["Calls__StunUrls"] = "stun:stun.test.invalid:3478",
        ["Calls__TurnUrls"] = "turn:turn.test.invalid:3478?transport=udp,turns:turn.test.invalid:5349",
        ["Calls__TurnSecret"] = TurnSecret,
    };

    /// <summary>The coturn static-auth-secret the realtime test app is configured with.</summary>
    public const string TurnSecret = "test-turn-secret";

    /// <summary>
    /// What ./dev.sh runs, for browser tests: services, SignalR emulator, coturn and the app, plus web/dist served with a
    /// /config.json naming the app; the app's CORS allows the web origin with credentials (the refresh cookie) and
    /// Azurite's blob CORS allows it (direct uploads). Its own database and storage, so its queue triggers and outbox
    /// run (calls ring out, media get processed) and publish to its emulator, where the browsers listen, without
    /// taking the realtime app's work. ICE servers are its coturn on 127.0.0.1 (STUN and TURN): nothing on the
    /// internet is reachable here. Without a built web/dist only /config.json is served (pages answer 404 saying so).
    /// </summary>
    /// <summary>The browser tests' ring timeout: the missed-call spec waits for it; answered calls are accepted within a second or two.</summary>
    public static readonly TimeSpan WebClientRingTimeout = TimeSpan.FromSeconds(8);

    public async Task<WebClientEnvironment> WebClientAsync() =>
        await Once(() => webClient, async () =>
        {
            var quick = new Dictionary<string, string?>
            {
                ["SignalR__OutboxClaimDelay"] = "00:00:02",
                ["SignalR__OutboxMaxRetryDelay"] = "00:00:02",
                ["Calls__RingTimeout"] = WebClientRingTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            };
            var stack = await DevEnvironment.StartAsync(
                FunctionsAppDirectory,
                httpPort: 0,
                LoggerFactory,
                readLocalSettings: false,
                With(GenerousLimits, quick),
                PostgresDurability.Fast,
                new WebClientOptions(WebClientOptions.DefaultRoot(), Port: 0));
            try
            {
                await UntilHealthyAsync(stack.Host);
                webClient = new WebClientEnvironment(stack);
            }
            catch
            {
                await stack.DisposeAsync();
                throw;
            }
        });

    /// <summary>The app on two instances behind round robins, with services of its own (see <see cref="TwoInstanceEnvironment"/>).</summary>
    public async Task<TwoInstanceEnvironment> TwoInstancesAsync() =>
        await Once(() => twoInstances, async () => twoInstances = await TwoInstanceEnvironment.StartAsync());

    /// <summary>The DevHost's own sample app (echo, queue and timer functions).</summary>
    public async Task<FunctionsDevHost> SampleAppAsync()
    {
        var s = await ServersAsync();
        return await Once(() => sampleApp, async () => sampleApp = await StartHostAsync(SampleAppDirectory, s.AppSettings, runNonHttpTriggers: true));
    }

    /// <summary>
    /// Starts a host of the test's own (every app of the run starts here), handed over once it is healthy. Timers and
    /// queue triggers run only when asked for: a second consumer of the shared queues (read-state, the outbox)
    /// configured differently would take work meant for the realtime app.
    /// </summary>
    public static async Task<FunctionsDevHost> StartHostAsync(string appDirectory, IReadOnlyDictionary<string, string?> settings, bool runNonHttpTriggers = false, int httpPort = 0)
    {
        var host = await FunctionsDevHost.StartAsync(new DevHostOptions
        {
            AppDirectory = appDirectory,
            HttpPort = httpPort,
            Settings = settings,
            RunNonHttpTriggers = runNonHttpTriggers,
            ReadLocalSettings = false,
            LoggerFactory = LoggerFactory,
        });
        try
        {
            await UntilHealthyAsync(host);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The DevHost hands an app over once its worker listens, before any request has paid what a cold worker pays once
    /// (JIT of Npgsql and the storage SDK, the first connection through PgBouncer with Npgsql's type loading): the
    /// first health answer took 1–2.5 s on this 2-core machine under load, 15–30 ms warm, and each dependency check
    /// gives up after 2 s, so under CPU starvation a fresh app's first answer can be a 503 for dependencies that are up.
    /// Tests get an app that already answered 200; outage tests then see only the outages they cause. Apps without a
    /// health function (the DevHost's sample) are handed over as they are.
    /// </summary>
    private static async Task UntilHealthyAsync(FunctionsDevHost host)
    {
        if (!host.Functions.Any(f => f.Name == "Health"))
        {
            return;
        }

        var ct = TestContext.Current.CancellationToken;
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        await Eventually.Returns(
            async () =>
            {
                using var response = await client.GetAsync("api/health", ct);
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(ct));
            },
            health => health.StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), // as long as the DevHost lets the worker take to start
            $"the fresh app at {host.BaseAddress} to answer /api/health 200");
    }

    /// <summary>
    /// The shared app serves every test from 127.0.0.1, so abuse limits are lifted (the buckets stay on, never running
    /// dry), and parallel tests may queue many password checks; limit tests start their own app.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> GenerousLimits =
        With(OneAddressLimits.Settings, new Dictionary<string, string?> { ["Passwords__MaxQueued"] = "100000" });

    public static IReadOnlyDictionary<string, string?> With(IReadOnlyDictionary<string, string?> settings, IReadOnlyDictionary<string, string?> extra) =>
        settings.Concat(extra).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value);

    /// <summary>
    /// A plain client of an app, with HttpClient's default timeout (100 s) like every other test client: a healthy app's
    /// first request on Entity Framework still pays its first use (model, queries, JIT), ≈3 s under load against
    /// ≈80 ms warm, which a tighter bound races on a starved machine.
    /// </summary>
    public static HttpClient Client(FunctionsDevHost host) => new() { BaseAddress = host.BaseAddress };

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (sampleApp is not null)
        {
            await sampleApp.DisposeAsync();
        }

        if (app is not null)
        {
            await app.DisposeAsync();
        }

        if (realtimeApp is not null)
        {
            await realtimeApp.DisposeAsync();
        }

        if (emulator is not null)
        {
            await emulator.DisposeAsync();
        }

        if (webClient is not null)
        {
            await webClient.Environment.DisposeAsync();
        }

        if (twoInstances is not null)
        {
            await twoInstances.DisposeAsync();
        }

        if (servers is not null)
        {
            await servers.DisposeAsync();
        }

        gate.Dispose();
    }

    private async Task<T> Once<T>(Func<T?> current, Func<Task> start)
        where T : class
    {
        if (current() is { } ready)
        {
            return ready;
        }

        await gate.WaitAsync();
        try
        {
            if (current() is null)
            {
                await start();
            }

            return current()!;
        }
        finally
        {
            gate.Release();
        }
    }

    private static string Metadata(string key) =>
        Path.GetFullPath(typeof(TestEnvironment).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!);
}
