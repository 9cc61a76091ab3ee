namespace DistaHilar.Bench.Faults;

/// <summary>How big a fault run is and how long its outages last.</summary>
internal sealed record FaultOptions
{
    /// <summary>Fault names (<see cref="Fault.Names"/>), injected one after the other.</summary>
    public IReadOnlyList<string> Faults { get; init; } = Fault.Names;

    /// <summary>Groups sending at once, one send in flight each.</summary>
    public int Chats { get; init; } = 4;

    /// <summary>Members of each group, every one connected; they take turns sending.</summary>
    public int Members { get; init; } = 3;

    /// <summary>How long a held fault (a stopped service) lasts.</summary>
    public TimeSpan Outage { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Steady load before the first fault and after each recovery.</summary>
    public TimeSpan Steady { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Pause between one chat's sends (after each acknowledgement).</summary>
    public TimeSpan SendInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How long recovery (first send, every delivery, the outbox, the queue work) may take before it counts as failed.</summary>
    public TimeSpan RecoveryTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A send still unacknowledged after this long is given up (and counted).</summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>The app's <c>Calls__RingTimeout</c> for the run: short, so a call's timeout falls inside each outage.</summary>
    public TimeSpan RingTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long a queue message the worker took stays invisible (the DevHost's lease): a killed worker's messages come
    /// back after it. The Functions host's is 10 minutes; this is short enough for the recovery deadline.
    /// </summary>
    public TimeSpan QueueMessageLease { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The clients' request timeout: a request without an answer by then is a hang.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
