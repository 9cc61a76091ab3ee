namespace DistaHilar.Bench.Faults;

/// <summary>
/// One fault as it went: when it hit, when the dependency was back, and how the app recovered (seconds after the
/// return). <paramref name="HealthCheck"/>: the check that must say "down" meanwhile; <paramref name="Silent"/>: the
/// app could not answer at all (the worker was gone), so requests without an answer are expected.
/// </summary>
internal sealed record FaultWindow(
    string Fault,
    string Description,
    string? HealthCheck,
    bool Silent,
    double InjectedAt,
    double RestoredAt,
    double? HealthSaidDownAfter,
    double? FirstSendAfter,
    double? AllDeliveredAfter,
    double? OutboxDrainedAfter,
    double? CallMissedAfter,
    double? MediaReadyAfter,
    int Requests,
    int Succeeded,
    int Unavailable,
    int NoAnswer,
    int Other)
{
    /// <summary>Until when requests count as this fault's: its return plus the first send after it, plus a second.</summary>
    public double RecoveredAt => RestoredAt + (FirstSendAfter ?? 0) + 1;

    public double OutageSeconds => Math.Round(RestoredAt - InjectedAt, 1);
}

/// <summary>The whole run: the faults, the totals of the history, and every violation the check found.</summary>
internal sealed record FaultReport(
    DateTime Started,
    MachineInfo Machine,
    string Api,
    FaultOptions Options,
    IReadOnlyDictionary<string, string?> OverriddenSettings,
    IReadOnlyList<FaultWindow> Faults,
    FaultTotals Totals,
    IReadOnlyDictionary<string, int> Poisoned,
    IReadOnlyList<string> Violations)
{
    public bool Passed => Violations.Count == 0;
}

/// <summary>
/// Counts over the run. <see cref="Lost"/>: acknowledged messages gone from their chat's history afterwards, or that
/// some member never got, live or by catch-up (must be 0); <see cref="Repeats"/>: copies dropped by id; <see cref="LiveOutOfOrder"/>: live messages after a later one
/// of their chat (allowed, clients apply by seq).
/// </summary>
internal sealed record FaultTotals(
    int SendAttempts,
    int Acknowledged,
    int GivenUp,
    int Deliveries,
    int DeliveredLive,
    int DeliveredByCatchUp,
    int Lost,
    int Repeats,
    int LiveOutOfOrder,
    int Reconnects,
    int ReadAttempts,
    double SendsPerSecond);
