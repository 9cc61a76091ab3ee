using DistaHilar.Dev;

namespace DistaHilar.Bench.Faults;

/// <summary>
/// One fault the run injects into its stack: what breaks, whether it is held for the outage or over at once, which
/// <c>/api/health</c> check must say so meanwhile (null when the app cannot answer at all, or the fault is over before
/// a probe could see it), and whether the app goes silent (no process to answer) meanwhile.
/// </summary>
internal sealed record Fault(
    string Name,
    string Description,
    string? HealthCheck,
    bool HeldForOutage,
    bool Silent,
    Func<DevEnvironment, CancellationToken, Task> Inject,
    Func<DevEnvironment, CancellationToken, Task> Restore)
{
    /// <summary>In the order a run takes them, as the issue lists them.</summary>
    public static IReadOnlyList<Fault> All { get; } =
    [
        new("postgres", "PostgreSQL killed (immediate shutdown, recovery from the WAL at start) for the outage, then started", "database", HeldForOutage: true, Silent: false,
            (stack, ct) => stack.Services.Postgres.CrashAsync(ct),
            (stack, ct) => stack.Services.Postgres.RestartAsync(ct)),
        new("signalr", "the SignalR service stopped for the outage (every client disconnected), then started on the same endpoint", "signalr", HeldForOutage: true, Silent: false,
            (stack, _) => stack.StopSignalRAsync(),
            (stack, ct) => stack.StartSignalRAsync(ct)),
        new("azurite", "storage (Azurite: blobs and queues, kept on disk) stopped for the outage, then started", "storage", HeldForOutage: true, Silent: false,
            (stack, _) => stack.Services.Azurite.StopAsync(),
            (stack, ct) => stack.Services.Azurite.RestartAsync(ct)),
        new("worker", "the worker killed with SIGKILL, then a new host and worker started on the same port", null, HeldForOutage: false, Silent: true,
            (stack, _) => stack.KillWorkerAsync(),
            (stack, ct) => stack.StartHostAsync(ct)),
        new("pgbouncer", "PgBouncer restarted (SIGTERM: every connection cut), on the same port", null, HeldForOutage: false, Silent: false,
            (stack, ct) => stack.Services.PgBouncer.RestartAsync(ct),
            (_, _) => Task.CompletedTask),
    ];

    public static IReadOnlyList<string> Names => [.. All.Select(f => f.Name)];
}
