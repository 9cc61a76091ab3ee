using DistaHilar.DevHost;
using DistaHilar.LocalServices;
using DistaHilar.SignalREmulator;
using Microsoft.Extensions.Logging;
using Emulator = DistaHilar.SignalREmulator.SignalREmulator;

namespace DistaHilar.Dev;

/// <summary>
/// The local services, the SignalR Service emulator (its upstream pointed at the app), a TURN server (coturn, whose
/// secret the app signs TURN credentials with) and the function app running under the DevHost, wired to them; with
/// <see cref="WebClientOptions"/>, also a built web client whose origin the app's and Azurite's CORS allow.
/// </summary>
public sealed class DevEnvironment : IAsyncDisposable
{
    private DevEnvironment(LocalServers services, Emulator signalR, TurnServer turn, FunctionsDevHost host, WebClientServer? web)
    {
        Services = services;
        SignalR = signalR;
        Turn = turn;
        Host = host;
        Web = web;
    }

    public LocalServers Services { get; }

    public Emulator SignalR { get; }

    public TurnServer Turn { get; }

    public FunctionsDevHost Host { get; }

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

            signalR = await Emulator.StartAsync(new EmulatorOptions
            {
                UpstreamUrlTemplate = UpstreamUrlTemplate(port),
                LoggerFactory = loggerFactory,
            }, ct);
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

            host = await FunctionsDevHost.StartAsync(new DevHostOptions
            {
                AppDirectory = appDirectory,
                HttpPort = port,
                Settings = settings,
                ReadLocalSettings = readLocalSettings,
                // The browser sends the refresh cookie to the API only on credentialed requests, which need this.
                CorsOrigins = webOrigins,
                CorsCredentials = webClient is null ? null : true,
                LoggerFactory = loggerFactory,
            }, ct);
            var web = webClient is null
                ? null
                : await WebClientServer.StartAsync(webClient.Root, ApiBase(host), webPort, loggerFactory.CreateLogger("web"), ct);
            return new DevEnvironment(services, signalR, turn, host, web);
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
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Web is not null)
        {
            await Web.DisposeAsync();
        }

        await Host.DisposeAsync();
        await SignalR.DisposeAsync();
        await Turn.DisposeAsync();
        await Services.DisposeAsync();
    }

    private static Uri ApiBase(FunctionsDevHost host) => host.RoutePrefix.Length > 0 ? new Uri(host.BaseAddress, host.RoutePrefix) : host.BaseAddress;
}
