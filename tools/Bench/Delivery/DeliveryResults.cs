using DistaHilar.SignalREmulator;

namespace DistaHilar.Bench.Delivery;

/// <summary>The JSON document of one delivery run (fanout, send-dialog, send-group; serialised camelCase).</summary>
/// <param name="MessagesPerLevel">Measured events each level was to send.</param>
/// <param name="Description">What an event is and who is connected (<see cref="IDeliveryWorkload.Description"/>).</param>
/// <param name="Goal">The targets the results are read against, or null.</param>
internal sealed record DeliveryReport(
    DateTime Timestamp,
    MachineInfo Machine,
    string TargetUrl,
    string Scenario,
    IReadOnlyDictionary<string, string?> AppSettingsOverridden,
    int MessagesPerLevel,
    string Description,
    string? Goal,
    IReadOnlyList<DeliveryLevel> Levels);

/// <summary>One receiver count's results.</summary>
/// <param name="Receivers">Connected clients that are waited for and measured, one per member other than the sender.</param>
/// <param name="Events">Measured events sent (fewer than asked if the level stopped at an error).</param>
/// <param name="Deliveries">Measured events received, counted per receiver (at most Events × Receivers).</param>
/// <param name="Missing">Events × Receivers − Deliveries.</param>
/// <param name="Disconnects">Client connections lost during the level.</param>
/// <param name="DurationSeconds">From the first measured send until the last event reached every receiver.</param>
/// <param name="LatencyMs">Per delivery: receipt by a receiver − the moment just before the API call that caused it.</param>
/// <param name="EveryoneLatencyMs">Per event that reached every receiver: the last receipt − just before the API call.</param>
/// <param name="ApiLatencyMs">The API round trip alone (it returns once the event is handed to the service).</param>
/// <param name="RestCalls">The app's calls to the SignalR REST API during the measured events, by kind (null with --url).</param>
/// <param name="RestCallsPerEvent">RestCalls.Total / Events.</param>
/// <param name="SetupSeconds">Registering, connecting, making the chat and warming up (not measured).</param>
/// <param name="SetupRestCalls">The app's SignalR REST calls during setup: joining members to the group costs per member.</param>
internal sealed record DeliveryLevel(
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
    LatencyMs EveryoneLatencyMs,
    LatencyMs ApiLatencyMs,
    RestCalls? RestCalls,
    double? RestCallsPerEvent,
    double SetupSeconds,
    RestCalls? SetupRestCalls,
    double? WorkerPeakRssMiB,
    double? WorkerRssMiB)
{
    /// <summary>Some event missed a receiver, or the level stopped early.</summary>
    public bool Failed => Missing > 0 || FirstError is not null;
}
