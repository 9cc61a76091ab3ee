using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DistaHilar.Bench;

/// <summary>The results as a table for people and as JSON for tooling and the issue notes.</summary>
internal static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string Table(BenchReport report)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"{report.Scenario} @ {report.TargetUrl}  ({report.Machine.ProcessorCount} CPUs, {report.Machine.OsDescription}, {report.Machine.DotnetVersion})");
        text.AppendLine(report.AppSettingsOverridden.Count == 0
            ? "app settings: the running app's own (none overridden)"
            : $"app settings overridden: {BenchTarget.Describe(report.AppSettingsOverridden)}");
        text.AppendLine(c, $"{"conc",5} {"requests",9} {"errors",7} {"req/s",9} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",8} {"peak RSS MiB",13} {"RSS MiB",8}");
        foreach (var l in report.Levels)
        {
            text.AppendLine(c, $"{l.Concurrency,5} {l.Requests,9} {l.Errors,7} {l.ThroughputPerSecond,9:0.0} {l.LatencyMs.P50,8:0.00} {l.LatencyMs.P95,8:0.00} {l.LatencyMs.P99,8:0.00} {l.LatencyMs.Max,8:0.00} {Mib(l.WorkerPeakRssMiB),13} {Mib(l.WorkerRssMiB),8}");
        }

        foreach (var l in report.Levels.Where(l => l.FirstError is not null))
        {
            text.AppendLine(c, $"first error at concurrency {l.Concurrency}: {l.FirstError}");
        }

        return text.ToString();
    }

    public static async Task WriteJsonAsync(BenchReport report, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, report, Json);
    }

    private static string Mib(double? value) => value?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-";
}
