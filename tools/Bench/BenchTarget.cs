using System.Globalization;
using DistaHilar.Dev;
using DistaHilar.LocalServices;
using DistaHilar.SignalREmulator;
using Microsoft.Extensions.Logging;

namespace DistaHilar.Bench;

/// <summary>
/// What the benchmark talks to: a throwaway stack it started (and stops on dispose) or an app already running.
/// </summary>
internal sealed class BenchTarget : IAsyncDisposable
{
    private readonly DevEnvironment? environment;
    private readonly ProcessRegistry? registry;

    private readonly IReadOnlyDictionary<string, string?> settings;

    private BenchTarget(Uri api, DevEnvironment? environment, ProcessRegistry? registry, IReadOnlyDictionary<string, string?> settings)
    {
        Api = api;
        this.environment = environment;
        this.registry = registry;
        this.settings = settings;
    }

    /// <summary>The stack this bench started (null for a running app), for scenarios that break parts of it.</summary>
    public DevEnvironment? Stack => environment;

    /// <summary>
    /// App settings a started stack gets on top of the services' own: every request comes from 127.0.0.1, so the abuse
    /// limits are lifted (<see cref="OneAddressLimits"/>; the per-user buckets stay on, so their cost is measured).
    /// </summary>
    public static IReadOnlyDictionary<string, string?> StartedAppSettings => OneAddressLimits.Settings;

    /// <summary>The settings this bench overrode in the app (empty for a running app: it has its own).</summary>
    public IReadOnlyDictionary<string, string?> OverriddenSettings =>
        environment is null ? new Dictionary<string, string?>() : settings;

    /// <summary>The API base the scenarios' relative URLs resolve against, e.g. http://127.0.0.1:40123/api/.</summary>
    public Uri Api { get; }

    /// <summary>
    /// A running app. A URL with a path is taken as the API base; a bare host:port/ gets the default
    /// route prefix (host.json's "api"), matching what `dev up` prints either way.
    /// </summary>
    public static BenchTarget Running(Uri url)
    {
        var api = url.AbsolutePath is "/" or "" ? new Uri(url, "api/") : new Uri(url.AbsoluteUri.TrimEnd('/') + "/");
        return new BenchTarget(api, null, null, new Dictionary<string, string?>());
    }

    /// <summary>Starts PostgreSQL, PgBouncer, Azurite and the Release (else Debug) build of the app under the DevHost.</summary>
    /// <param name="durability">
    /// Production (fsync, synchronous_commit on, as Azure runs) for every figure we publish: they include the commit's
    /// flush. Fast only to show what the flush costs.
    /// </param>
    public static async Task<BenchTarget> StartAsync(ILoggerFactory loggerFactory, IReadOnlyDictionary<string, string?> settings, PostgresDurability durability, CancellationToken ct)
    {
        var log = loggerFactory.CreateLogger("bench");
        var pidFolder = Path.Combine(RepoRoot.Find(), ".dev", "bench");
        await StopLeftoversAsync(pidFolder, log, ct);

        var release = DevEnvironment.DefaultAppDirectory("Release");
        var app = Directory.Exists(release) ? release : DevEnvironment.DefaultAppDirectory("Debug");
        await Console.Error.WriteLineAsync($"Starting PostgreSQL, PgBouncer, Azurite and {app} ...");
        await Console.Error.WriteLineAsync($"App settings overridden: {Describe(settings)}");
        await Console.Error.WriteLineAsync($"PostgreSQL durability: {durability}");
        var environment = await DevEnvironment.StartAsync(app, httpPort: 0, loggerFactory, readLocalSettings: false, settings, durability, webClient: null, ct);

        // Recorded so that a bench killed hard (SIGKILL, a crash) has its stack stopped by the next run.
        var registry = new ProcessRegistry(Path.Combine(pidFolder, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".pids"));
        var target = new BenchTarget(new Uri(environment.Host.BaseAddress, environment.Host.RoutePrefix + "/"), environment, registry, settings);
        target.RecordProcesses();
        return target;
    }

    /// <summary>Records the started stack's processes in the pid file, again after a fault run restarted some of them.</summary>
    public void RecordProcesses()
    {
        if (environment is null)
        {
            return;
        }

        foreach (var process in environment.Services.Processes)
        {
            registry!.Record(process);
        }

        registry!.Record(new TrackedProcess("worker", environment.Host.WorkerProcessId, "dotnet", environment.Host.WorkerId, 15));
    }

    /// <summary>Starts a level's memory window: afterwards <see cref="ReadMemory"/> gives that level's peak.</summary>
    public void ResetPeakMemory()
    {
        if (environment is not null && !WorkerMemory.TryResetPeak(environment.Host.WorkerProcessId))
        {
            Console.Error.WriteLine("Could not reset the worker's VmHWM; peak RSS covers the worker's whole life.");
        }
    }

    /// <summary>"key=value, ..." in key order, for the console.</summary>
    public static string Describe(IReadOnlyDictionary<string, string?> settings) =>
        string.Join(", ", settings.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}={s.Value}"));

    /// <summary>The started stack's PostgreSQL, direct (the app's migration connection); null for a running app.</summary>
    public string? DirectDatabase => environment?.Services.Postgres.DirectConnectionString;

    /// <summary>The started stack's storage account (the app's AzureWebJobsStorage); null for a running app.</summary>
    public string? Storage => environment?.Services.Azurite.ConnectionString;

    /// <summary>The started stack's PostgreSQL through PgBouncer, as the app connects; null for a running app.</summary>
    public string? PooledDatabase => environment?.Services.PgBouncer.PooledConnectionString;

    /// <summary>The app's SignalR REST calls so far, by kind; null for a running app (its service is not ours to count).</summary>
    public RestCalls? SignalRRestCalls => environment?.SignalR.RestCalls;

    /// <summary>
    /// Waits until the SignalR sessions open now have ended and their disconnects reached the app (at once for a
    /// running app); false if that took longer than <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> WaitForSignalRSessionsAsync(TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await (environment?.SignalR.SessionsEnded ?? Task.CompletedTask).WaitAsync(timeout, ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public WorkerMemory.Reading ReadMemory() =>
        environment is null ? WorkerMemory.Unknown : WorkerMemory.Read(environment.Host.WorkerProcessId);

    public async ValueTask DisposeAsync()
    {
        if (environment is not null)
        {
            await Console.Error.WriteLineAsync("Stopping the stack ...");
            await environment.DisposeAsync();
            File.Delete(registry!.PidFile);
        }
    }

    // Each run has its own pid file named after the bench's PID, so concurrent runs never stop each other's stacks.
    private static async Task StopLeftoversAsync(string pidFolder, ILogger log, CancellationToken ct)
    {
        if (!Directory.Exists(pidFolder))
        {
            return;
        }

        foreach (var file in Directory.GetFiles(pidFolder, "*.pids"))
        {
            if (int.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && !IsBench(pid))
            {
                var stopped = await new ProcessRegistry(file).StopAllAsync(log, ct);
                log.LogWarning("Stopped {Count} process(es) left behind by an earlier bench run (PID {Pid})", stopped, pid);
            }
        }
    }

    private static bool IsBench(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("DistaHilar.Bench", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
