using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;

namespace DistaHilar.Bench;

/// <summary>The JSON document of one run (serialised camelCase).</summary>
/// <param name="AppSettingsOverridden">App settings the bench set in the stack it started (empty with --url).</param>
/// <param name="Notes">What the scenario found out besides latencies (<see cref="IScenarioNotes"/>; empty for most).</param>
internal sealed record BenchReport(
    DateTime Timestamp,
    MachineInfo Machine,
    string TargetUrl,
    string Scenario,
    IReadOnlyDictionary<string, string?> AppSettingsOverridden,
    IReadOnlyList<LevelResult> Levels,
    IReadOnlyDictionary<string, string> Notes);

internal sealed record MachineInfo(int ProcessorCount, string OsDescription, string DotnetVersion)
{
    public static MachineInfo Current => new(Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription);
}

/// <param name="DurationSeconds">The measured run's wall time, until the last in-flight request returned.</param>
/// <param name="ThroughputPerSecond">Successful requests per second.</param>
/// <param name="WorkerPeakRssMiB">The worker's VmHWM after the level (null when the worker is not ours to see).</param>
/// <param name="WorkerRssMiB">The worker's VmRSS after the level.</param>
/// <param name="MiBPerSecond">Payload moved per second by successful operations (<see cref="IPayloadScenario"/>); null, and left out of the JSON, for the others.</param>
internal sealed record LevelResult(
    int Concurrency,
    double DurationSeconds,
    long Requests,
    long Errors,
    string? FirstError,
    double ThroughputPerSecond,
    LatencyMs LatencyMs,
    double? WorkerPeakRssMiB,
    double? WorkerRssMiB,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? MiBPerSecond = null)
{
    /// <summary>Merges the workers' logs into totals and exact percentiles of every recorded latency.</summary>
    /// <param name="payloadBytes">What one successful operation moves, for <see cref="MiBPerSecond"/>; null when it means nothing.</param>
    public static LevelResult From(int concurrency, Measurement run, WorkerMemory.Reading memory, long? payloadBytes = null)
    {
        var all = new long[run.Logs.Sum(l => l.Latencies.Count)];
        var at = 0;
        foreach (var log in run.Logs)
        {
            CollectionsMarshal.AsSpan(log.Latencies).CopyTo(all.AsSpan(at));
            at += log.Latencies.Count;
        }

        Array.Sort(all);
        long errors = run.Logs.Sum(l => l.Errors);
        var firstError = run.Logs.Where(l => l.FirstError is not null).MinBy(l => l.FirstErrorAt)?.FirstError;
        return new LevelResult(
            concurrency,
            Math.Round(run.Elapsed.TotalSeconds, 3),
            all.Length,
            errors,
            firstError,
            Math.Round((all.Length - errors) / run.Elapsed.TotalSeconds, 1),
            LatencyMs.FromSorted(all),
            memory.PeakMiB,
            memory.CurrentMiB,
            payloadBytes is { } bytes ? Math.Round((all.Length - errors) * (double)bytes / (1024 * 1024) / run.Elapsed.TotalSeconds, 1) : null);
    }
}

internal sealed record LatencyMs(double P50, double P95, double P99, double Max)
{
    /// <summary>Exact percentiles of <see cref="Stopwatch"/> tick durations sorted ascending (all zero for none).</summary>
    public static LatencyMs FromSorted(long[] sorted)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        return new(Percentile(sorted, 50), Percentile(sorted, 95), Percentile(sorted, 99), sorted.Length == 0 ? 0 : Ms(sorted[^1]));
    }

    // Nearest-rank: the smallest sample with at least p% of the samples at or below it (no interpolation).
    private static double Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? 0 : Ms(sorted[Math.Max(0, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)]);

    private static double Ms(long ticks) => Math.Round(ticks * 1000.0 / Stopwatch.Frequency, 3);
}
