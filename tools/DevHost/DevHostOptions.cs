using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DistaHilar.DevHost;

/// <summary>How to run a built function app locally.</summary>
public sealed record DevHostOptions
{
    /// <summary>The function app's build output (holds host.json, worker.config.json and the app dll).</summary>
    public required string AppDirectory { get; init; }

    /// <summary>Port for the app's HTTP routes on 127.0.0.1; 0 picks a free one.</summary>
    public int HttpPort { get; init; }

    /// <summary>App settings that override local.settings.json's Values (null removes one).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Whether local.settings.json's Values (and its Host section's CORS) are read; tests turn this off to stay hermetic.</summary>
    public bool ReadLocalSettings { get; init; } = true;

    /// <summary>
    /// Origins CORS allows (e.g. http://127.0.0.1:5173; "*" for any), added to local.settings.json's Host.CORS when it is
    /// read, as <c>func start --cors</c> adds to it. None here or there: no CORS headers at all, as in the Functions host.
    /// </summary>
    public IReadOnlyList<string> CorsOrigins { get; init; } = [];

    /// <summary>Whether CORS answers allow credentials (cookies); null takes local.settings.json's Host.CORSCredentials (default false).</summary>
    public bool? CorsCredentials { get; init; }

    /// <summary>How long the worker may take to connect, initialise and load its functions.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest an HTTP invocation may run (Azure's front end gives up after 230 s).</summary>
    public TimeSpan HttpTimeout { get; init; } = TimeSpan.FromSeconds(230);

    /// <summary>Whether queue and timer triggers run; tests of HTTP-only behaviour may turn them off.</summary>
    public bool RunNonHttpTriggers { get; init; } = true;

    /// <summary>
    /// How long a timer's lock lease lasts (renewed at half of it) when AzureWebJobsStorage is set: an instance that dies
    /// holding it hands the timer over after this. The host's ListenerLockPeriod (blob leases take 15–60 s).
    /// </summary>
    public TimeSpan TimerLockPeriod { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often an instance without a timer's lock tries to take it (the host's ListenerLockRecoveryPollingInterval).</summary>
    public TimeSpan TimerLockRecoveryInterval { get; init; } = TimeSpan.FromMinutes(1);

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
