using DistaHilar.SignalREmulator;

namespace DistaHilar.Bench.Fanout;

/// <summary>The JSON document of one fanout run (serialised camelCase).</summary>
/// <param name="MessagesPerLevel">Measured events each level was to send.</param>
internal sealed record FanoutReport(
    DateTime Timestamp,
    MachineInfo Machine,
    string TargetUrl,
    string Scenario,
    IReadOnlyDictionary<string, string?> AppSettingsOverridden,
    int MessagesPerLevel,
    IReadOnlyList<FanoutLevel> Levels);

/// <summary>One receiver count's results.</summary>
/// <param name="Receivers">Connected clients, one per member (the owner, who sends, is not connected).</param>
/// <param name="Events">Measured events sent (fewer than asked if the level stopped at an error).</param>
/// <param name="Deliveries">Measured events received, counted per client (at most Events × Receivers).</param>
/// <param name="Missing">Events × Receivers − Deliveries.</param>
/// <param name="Disconnects">Client connections lost during the level.</param>
/// <param name="DurationSeconds">From the first measured send until the last event reached every client.</param>
/// <param name="LatencyMs">Per delivery: receipt by a client − the moment just before the API call that caused it.</param>
/// <param name="ApiLatencyMs">The PATCH round trip alone (it returns once the event is handed to the service).</param>
/// <param name="RestCalls">The app's calls to the SignalR REST API during the measured events, by kind (null with --url).</param>
/// <param name="RestCallsPerEvent">RestCalls.Total / Events.</param>
/// <param name="SetupSeconds">Registering, connecting, making the group and warming up (not measured).</param>
/// <param name="SetupRestCalls">The app's SignalR REST calls during setup: joining members to the group costs per member.</param>
internal sealed record FanoutLevel(
    int Receivers,
    int Events,
    long Deliveries,
    long Missing,
    int Disconnects,
    string? FirstError,
    double DurationSeconds,
    double EventsPerSecond,
    double DeliveriesPerSecond,
    LatencyMs LatencyMs,
    LatencyMs ApiLatencyMs,
    RestCalls? RestCalls,
    double? RestCallsPerEvent,
    double SetupSeconds,
    RestCalls? SetupRestCalls,
    double? WorkerPeakRssMiB,
    double? WorkerRssMiB)
{
    /// <summary>Some event missed a client, or the level stopped early.</summary>
    public bool Failed => Missing > 0 || FirstError is not null;
}
