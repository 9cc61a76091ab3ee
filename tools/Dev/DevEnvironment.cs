using DistaHilar.DevHost;
using DistaHilar.LocalServices;
using Microsoft.Extensions.Logging;

namespace DistaHilar.Dev;

/// <summary>The local services plus a function app running under the DevHost, wired to them.</summary>
public sealed class DevEnvironment : IAsyncDisposable
{
    private DevEnvironment(LocalServers services, FunctionsDevHost host)
    {
        Services = services;
        Host = host;
    }

    public LocalServers Services { get; }

    public FunctionsDevHost Host { get; }

    /// <summary>The built function app: src/Functions/bin/&lt;configuration&gt;/net10.0.</summary>
    public static string DefaultAppDirectory(string configuration = "Debug") =>
        Path.Combine(RepoRoot.Find(), "src", "Functions", "bin", configuration, "net10.0");

    public static Task<DevEnvironment> StartAsync(string appDirectory, int httpPort, ILoggerFactory loggerFactory, bool readLocalSettings = true, CancellationToken ct = default) =>
        StartAsync(appDirectory, httpPort, loggerFactory, readLocalSettings, extraSettings: null, ct);

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
        CancellationToken ct = default)
    {
        var services = await LocalServers.StartAsync(loggerFactory, ct);
        try
        {
            var settings = new Dictionary<string, string?>(services.AppSettings, StringComparer.OrdinalIgnoreCase);
            foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
            {
                settings[key] = value;
            }

            var host = await FunctionsDevHost.StartAsync(new DevHostOptions
            {
                AppDirectory = appDirectory,
                HttpPort = httpPort,
                Settings = settings,
                ReadLocalSettings = readLocalSettings,
                LoggerFactory = loggerFactory,
            }, ct);
            return new DevEnvironment(services, host);
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Services.DisposeAsync();
    }
}
