using DistaHilar.DevHost;
using DistaHilar.LocalServices;
using DistaHilar.SignalREmulator;
using Microsoft.Extensions.Logging;
using Emulator = DistaHilar.SignalREmulator.SignalREmulator;

namespace DistaHilar.Dev;

/// <summary>
/// The local services, the SignalR Service emulator (its upstream pointed at the app), a TURN server (coturn, whose
/// secret the app signs TURN credentials with) and the function app running under the DevHost, wired to them; with
/// <see cref="WebClientOptions"/>, also a built web client whose origin the app's and Azurite's CORS allow. The
/// emulator and the app can be stopped and started again in place, for outage tests (the services have their own).
/// </summary>
public sealed class DevEnvironment : IAsyncDisposable
{
    private readonly EmulatorOptions signalROptions;
    private readonly DevHostOptions hostOptions;
    private readonly string stateFolder;
    private Emulator? signalR;
    private FunctionsDevHost? host;
    private int disposed;

    private DevEnvironment(LocalServers services, Emulator signalR, EmulatorOptions signalROptions, TurnServer turn, FunctionsDevHost host, DevHostOptions hostOptions, WebClientServer? web, string stateFolder)
    {
        Services = services;
        this.signalR = signalR;
        this.signalROptions = signalROptions;
        Turn = turn;
        this.host = host;
        this.hostOptions = hostOptions;
        Web = web;
        this.stateFolder = stateFolder;
    }

    public LocalServers Services { get; }

    /// <summary>The SignalR Service emulator; throws while it is stopped (<see cref="StopSignalRAsync"/>).</summary>
    public Emulator SignalR => signalR ?? throw new InvalidOperationException("The SignalR emulator is stopped.");

    public TurnServer Turn { get; }

    /// <summary>The DevHost running the app; throws while it is stopped (<see cref="KillWorkerAsync"/>).</summary>
    public FunctionsDevHost Host => host ?? throw new InvalidOperationException("The function host is stopped.");

    /// <summary>The web client's server, when one was asked for.</summary>
    public WebClientServer? Web { get; }

    /// <summary>The app's API base, e.g. http://127.0.0.1:7071/api (what the web client's /config.json names).</summary>
    public Uri ApiBaseUrl => ApiBase(Host);

    /// <summary>Where a SignalR service posts its upstream events for an app on 127.0.0.1:<paramref name="appPort"/> (its upstream function's route).</summary>
    public static string UpstreamUrlTemplate(int appPort) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"http://127.0.0.1:{appPort}/api/signalr/{{category}}/{{event}}");

    /// <summary>The built function app: src/Functions/bin/&lt;configuration&gt;/net10.0.</summary>
    public static string DefaultAppDirectory(string configuration = "Debug") =>
        Path.Combine(RepoRoot.Find(), "src", "Functions", "bin", configuration, "net10.0");

    /// <param name="extraSettings">
    /// App settings merged over the services' (a key here wins; null removes one), e.g. the benchmark's generous
    /// rate limits. Like the services' settings, they override local.settings.json.
    /// </param>
    /// <param name="webClient">A built web client to serve too; null serves none and sets no CORS.</param>
    public static async Task<DevEnvironment> StartAsync(
        string appDirectory,
        int httpPort,
        ILoggerFactory loggerFactory,
        bool readLocalSettings,
        IReadOnlyDictionary<string, string?>? extraSettings,
        PostgresDurability durability,
        WebClientOptions? webClient,
        CancellationToken ct = default)
    {
        var services = await LocalServers.StartAsync(loggerFactory, durability, ct);
        Emulator? signalR = null;
        TurnServer? turn = null;
        FunctionsDevHost? host = null;
        // The emulator keeps its user-group memberships here across a restart, as the service keeps them.
        var stateFolder = Directory.CreateTempSubdirectory("distahilar-dev-").FullName;
        try
        {
            turn = await TurnServer.StartAsync(log: loggerFactory.CreateLogger("coturn"), ct: ct);
            // The emulator needs the app's upstream URL before the app exists, so the app's port is fixed first;
            // the web client's too, since the app's CORS names its origin.
            var port = httpPort == 0 ? FreePort.Next() : httpPort;
            var webPort = webClient is null ? 0 : webClient.Port == 0 ? FreePort.Next() : webClient.Port;
            string[] webOrigins = webClient is null ? [] : [WebClientServer.OriginFor(webPort)];
            if (webClient is not null)
            {
                await services.Azurite.AllowBrowserOriginsAsync(webOrigins, ct);
            }

            var signalROptions = new EmulatorOptions
            {
                UpstreamUrlTemplate = UpstreamUrlTemplate(port),
                StateFile = Path.Combine(stateFolder, "signalr-groups.json"),
                LoggerFactory = loggerFactory,
            };
            signalR = await Emulator.StartAsync(signalROptions, ct);
            // A restart comes back on the same endpoint with the same key, so the app's connection string stays true.
            signalROptions = signalROptions with { Port = signalR.Endpoint.Port, AccessKey = signalR.AccessKey };
            var settings = new Dictionary<string, string?>(services.AppSettings, StringComparer.OrdinalIgnoreCase)
            {
                ["SignalR__ConnectionString"] = signalR.ConnectionString,
            };
            foreach (var (key, value) in turn.AppSettings)
            {
                settings[key] = value;
            }

            foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
            {
                settings[key] = value;
            }

            var hostOptions = new DevHostOptions
            {
                AppDirectory = appDirectory,
                HttpPort = port,
                Settings = settings,
                ReadLocalSettings = readLocalSettings,
                // The browser sends the refresh cookie to the API only on credentialed requests, which need this.
                CorsOrigins = webOrigins,
                CorsCredentials = webClient is null ? null : true,
                LoggerFactory = loggerFactory,
            };
            host = await FunctionsDevHost.StartAsync(hostOptions, ct);
            var web = webClient is null
                ? null
                : await WebClientServer.StartAsync(webClient.Root, ApiBase(host), webPort, loggerFactory.CreateLogger("web"), ct);
            return new DevEnvironment(services, signalR, signalROptions, turn, host, hostOptions, web, stateFolder);
        }
        catch
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }

            if (signalR is not null)
            {
                await signalR.DisposeAsync();
            }

            if (turn is not null)
            {
                await turn.DisposeAsync();
            }

            await services.DisposeAsync();
            Directory.Delete(stateFolder, recursive: true);
            throw;
        }
    }

    /// <summary>Stops the SignalR emulator: every client loses its connection and the app's REST calls fail. No-op if stopped.</summary>
    public async Task StopSignalRAsync()
    {
        if (Interlocked.Exchange(ref signalR, null) is { } stopping)
        {
            await stopping.DisposeAsync();
        }
    }

    /// <summary>Starts the emulator again on the same port with the same key and the group memberships it had.</summary>
    public async Task StartSignalRAsync(CancellationToken ct = default)
    {
        if (signalR is not null)
        {
            throw new InvalidOperationException("The SignalR emulator is running.");
        }

        signalR = await Emulator.StartAsync(signalROptions, ct);
    }

    /// <summary>
    /// Ends the worker with SIGKILL, as a crash or an out-of-memory kill does (no shutdown: requests and queue
    /// messages in flight are cut off), then stops its host. <see cref="StartHostAsync"/> starts a new one.
    /// </summary>
    public async Task KillWorkerAsync()
    {
        if (Interlocked.Exchange(ref host, null) is not { } killed)
        {
            return;
        }

        using (var worker = System.Diagnostics.Process.GetProcessById(killed.WorkerProcessId))
        {
            worker.Kill();
        }

        await killed.Completion;
        await killed.DisposeAsync();
    }

    /// <summary>Starts the app again under a new host on the same port, as the Functions host starts a new worker.</summary>
    public async Task StartHostAsync(CancellationToken ct = default)
    {
        if (host is not null)
        {
            throw new InvalidOperationException("The function host is running.");
        }

        host = await FunctionsDevHost.StartAsync(hostOptions, ct);
    }

    /// <summary>Stops everything it started, once: a second call (an explicit dispose inside <c>await using</c>) does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        if (Web is not null)
        {
            await Web.DisposeAsync();
        }

        if (host is not null)
        {
            await host.DisposeAsync();
        }

        await StopSignalRAsync();
        await Turn.DisposeAsync();
        await Services.DisposeAsync();
        Directory.Delete(stateFolder, recursive: true);
    }

    private static Uri ApiBase(FunctionsDevHost host) => host.RoutePrefix.Length > 0 ? new Uri(host.BaseAddress, host.RoutePrefix) : host.BaseAddress;
}
