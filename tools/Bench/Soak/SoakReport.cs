namespace DistaHilar.Bench.Soak;

/// <summary>
/// One reading: the worker's footprint, its GC heap's floor in the window (MiB) and thread-pool threads, the
/// database, the machine's busy CPU share, and per request kind the window's count, errors and p99.
/// </summary>
internal sealed record SoakSample(
    double Minute,
    Footprint Worker,
    double? GcHeapFloorMiB,
    double? ThreadPoolThreads,
    DatabaseReading Database,
    double CpuBusyPercent,
    IReadOnlyDictionary<string, KindWindow> Requests);

internal sealed record KindWindow(int Count, int Errors, double P99Ms);

/// <summary>A gauge after warm-up: first and last reading, the highest, and whether it stayed within the tolerance.</summary>
internal sealed record Trend(string Gauge, double First, double Last, double Max, double GrowthPercent, bool Flat);

internal sealed record SoakReport(
    DateTime Started,
    MachineInfo Machine,
    string Api,
    SoakOptions Options,
    IReadOnlyDictionary<string, string?> OverriddenSettings,
    string? CountersUnavailable,
    IReadOnlyList<SoakSample> Samples,
    IReadOnlyList<Trend> Trends)
{
    public bool Flat => Trends.All(t => t.Flat);
}
