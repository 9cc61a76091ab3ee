using DistaHilar.DevHost;
using DistaHilar.LocalServices;
using DistaHilar.SignalREmulator;
using Microsoft.Extensions.Logging;
using Emulator = DistaHilar.SignalREmulator.SignalREmulator;

namespace DistaHilar.Dev;

/// <summary>
/// The local services, the SignalR Service emulator (its upstream pointed at the app), a TURN server (coturn, whose
/// secret the app signs TURN credentials with) and the function app running under the DevHost, wired to them.
/// </summary>
public sealed class DevEnvironment : IAsyncDisposable
{
    private DevEnvironment(LocalServers services, Emulator signalR, TurnServer turn, FunctionsDevHost host)
    {
        Services = services;
        SignalR = signalR;
        Turn = turn;
        Host = host;
    }

    public LocalServers Services { get; }

    public Emulator SignalR { get; }

    public TurnServer Turn { get; }

    public FunctionsDevHost Host { get; }

    /// <summary>Where a SignalR service posts its upstream events for an app on 127.0.0.1:<paramref name="appPort"/> (its upstream function's route).</summary>
    public static string UpstreamUrlTemplate(int appPort) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"http://127.0.0.1:{appPort}/api/signalr/{{category}}/{{event}}");

    /// <summary>The built function app: src/Functions/bin/&lt;configuration&gt;/net10.0.</summary>
    public static string DefaultAppDirectory(string configuration = "Debug") =>
        Path.Combine(RepoRoot.Find(), "src", "Functions", "bin", configuration, "net10.0");

    public static Task<DevEnvironment> StartAsync(string appDirectory, int httpPort, ILoggerFactory loggerFactory, bool readLocalSettings = true, CancellationToken ct = default) =>
        StartAsync(appDirectory, httpPort, loggerFactory, readLocalSettings, extraSettings: null, PostgresDurability.Fast, ct);

    /// <param name="extraSettings">
    /// App settings merged over the services' (a key here wins; null removes one), e.g. the benchmark's generous
    /// rate limits. Like the services' settings, they override local.settings.json.
    /// </param>
    public static async Task<DevEnvironment> StartAsync(
        string appDirectory,
        int httpPort,
        ILoggerFactory loggerFactory,
        bool readLocalSettings,
        IReadOnlyDictionary<string, string?>? extraSettings,
        PostgresDurability durability,
        CancellationToken ct = default)
    {
        var services = await LocalServers.StartAsync(loggerFactory, durability, ct);
        Emulator? signalR = null;
        TurnServer? turn = null;
        try
        {
            turn = await TurnServer.StartAsync(log: loggerFactory.CreateLogger("coturn"), ct: ct);
            // The emulator needs the app's upstream URL before the app exists, so the app's port is fixed first.
            var port = httpPort == 0 ? FreePort.Next() : httpPort;
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

            var host = await FunctionsDevHost.StartAsync(new DevHostOptions
            {
                AppDirectory = appDirectory,
                HttpPort = port,
                Settings = settings,
                ReadLocalSettings = readLocalSettings,
                LoggerFactory = loggerFactory,
            }, ct);
            return new DevEnvironment(services, signalR, turn, host);
        }
        catch
        {
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
        await Host.DisposeAsync();
        await SignalR.DisposeAsync();
        await Turn.DisposeAsync();
        await Services.DisposeAsync();
    }
}
