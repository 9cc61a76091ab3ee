using System.Globalization;
using System.Text;
using System.Text.Json;
using DistaHilar.Bench.Delivery;
using DistaHilar.Bench.Faults;
using DistaHilar.Bench.Soak;
using DistaHilar.SignalREmulator;

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
        // MiB/s only for scenarios that move a payload, so the other tables keep their columns.
        var payload = report.Levels.Any(l => l.MiBPerSecond is not null);
        text.AppendLine(c, $"{"conc",5} {"requests",9} {"errors",7} {"req/s",9}{(payload ? $" {"MiB/s",8}" : "")} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",8} {"peak RSS MiB",13} {"RSS MiB",8}");
        foreach (var l in report.Levels)
        {
            var mibPerSecond = payload ? " " + Mib(l.MiBPerSecond).PadLeft(8) : "";
            text.AppendLine(c, $"{l.Concurrency,5} {l.Requests,9} {l.Errors,7} {l.ThroughputPerSecond,9:0.0}{mibPerSecond} {l.LatencyMs.P50,8:0.00} {l.LatencyMs.P95,8:0.00} {l.LatencyMs.P99,8:0.00} {l.LatencyMs.Max,8:0.00} {Mib(l.WorkerPeakRssMiB),13} {Mib(l.WorkerRssMiB),8}");
        }

        foreach (var l in report.Levels.Where(l => l.FirstError is not null))
        {
            text.AppendLine(c, $"first error at concurrency {l.Concurrency}: {l.FirstError}");
        }

        foreach (var note in report.Notes)
        {
            text.AppendLine(c, $"{note.Key}: {note.Value}");
        }

        return text.ToString();
    }

    public static string Table(FaultReport report)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        var o = report.Options;
        var t = report.Totals;
        text.AppendLine(c, $"faults @ {report.Api}  ({report.Machine.ProcessorCount} CPUs, {report.Machine.OsDescription}, {report.Machine.DotnetVersion})");
        text.AppendLine(c, $"{o.Chats} groups of {o.Members}, all connected, one send in flight per group every {o.SendInterval.TotalMilliseconds} ms; outages of {o.Outage.TotalSeconds} s; seconds after the dependency's return:");
        text.AppendLine(c, $"{"fault",-10} {"outage s",8} {"health",7} {"1st send",8} {"delivered",9} {"outbox",7} {"call",6} {"media",6} {"requests",8} {"2xx",6} {"503",5} {"none",5} {"other",5}");
        foreach (var w in report.Faults)
        {
            text.AppendLine(c, $"{w.Fault,-10} {w.OutageSeconds,8:0.0} {Seconds(w.HealthSaidDownAfter, w.HealthCheck is null),7} {Seconds(w.FirstSendAfter),8} {Seconds(w.AllDeliveredAfter),9} {Seconds(w.OutboxDrainedAfter),7} {Seconds(w.CallMissedAfter),6} {Seconds(w.MediaReadyAfter),6} {w.Requests,8} {w.Succeeded,6} {w.Unavailable,5} {w.NoAnswer,5} {w.Other,5}");
        }

        text.AppendLine(c, $"sends: {t.SendAttempts} attempts, {t.Acknowledged} acknowledged ({t.SendsPerSecond} msg/s), {t.GivenUp} given up; deliveries: {t.Deliveries} ({t.DeliveredLive} live, {t.DeliveredByCatchUp} by catch-up), {t.Repeats} repeats dropped by id, {t.LiveOutOfOrder} live out of seq order, {t.Reconnects} reconnects; reads: {t.ReadAttempts}");
        text.AppendLine(c, $"acknowledged messages lost: {t.Lost}; poison queue messages: {report.Poisoned.Values.Sum()}");
        text.AppendLine(report.Passed ? "check: passed" : $"check: {report.Violations.Count} violations");
        foreach (var violation in report.Violations)
        {
            text.AppendLine("  - " + violation);
        }

        return text.ToString();

        static string Seconds(double? value, bool notApplicable = false) =>
            notApplicable ? "-" : value?.ToString("0.00", CultureInfo.InvariantCulture) ?? "never";
    }

    public static string Table(SoakReport report)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"soak @ {report.Api}  ({report.Machine.ProcessorCount} CPUs, {report.Machine.OsDescription}, {report.Machine.DotnetVersion}), {report.Options.Duration.TotalMinutes} min, {report.Options.Groups} groups of {report.Options.Members}");
        if (report.CountersUnavailable is not null)
        {
            text.AppendLine("runtime counters unavailable: " + report.CountersUnavailable);
        }

        var kinds = SoakLoad.Kinds;
        text.AppendLine(c, $"{"min",5} {"req/s",6} {"RSS",5} {"heap",6} {"thr",4} {"fds",4} {"sock",4} {"cpu%",5} {"db MiB",7} {"dead tup",9} {"backlog",7}  p99 ms (errors) per kind: {string.Join(' ', kinds)}");
        foreach (var s in report.Samples)
        {
            var dead = s.Database.Tables.Values.Sum(t => t.Dead);
            var p99 = string.Join(' ', kinds.Select(k => s.Requests.TryGetValue(k, out var w) ? (w.Errors > 0 ? $"{w.P99Ms:0.#}({w.Errors})" : $"{w.P99Ms:0.#}") : "-"));
            var rate = s.Requests.Values.Sum(w => w.Count) / report.Options.SampleEvery.TotalSeconds;
            text.AppendLine(c, $"{s.Minute,5:0.0} {rate,6:0} {s.Worker.RssMiB,5:0} {s.GcHeapFloorMiB,6:0.0} {s.Worker.Threads,4} {s.Worker.Handles,4} {s.Worker.Sockets,4} {s.CpuBusyPercent,5:0} {s.Database.SizeMiB,7:0.0} {dead,9} {s.Database.OutboxBacklog,7}  {p99}");
        }

        foreach (var t in report.Trends)
        {
            text.AppendLine(c, $"{t.Gauge}: {t.First:0.#} → {t.Last:0.#} (max {t.Max:0.#}, {t.GrowthPercent:+0.#;-0.#;0} %) {(t.Flat ? "flat" : "GROWING")}");
        }

        text.AppendLine(report.Flat ? "soak: flat" : "soak: not flat");
        return text.ToString();
    }

    public static string Table(DeliveryReport report)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"{report.Scenario} @ {report.TargetUrl}  ({report.Machine.ProcessorCount} CPUs, {report.Machine.OsDescription}, {report.Machine.DotnetVersion})");
        text.AppendLine(report.Description);
        text.AppendLine(c, $"{report.MessagesPerLevel} events per level, one at a time; latency = receipt by a receiver - just before the API call (p50..max per delivery; 'all' per event, until its last receiver); REST = the app's SignalR REST calls per event");
        text.AppendLine(c, $"{"recv",5} {"events",7} {"deliveries",10} {"missing",8} {"ev/s",7} {"deliv/s",8} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",8} {"all p50",8} {"all p95",8} {"all p99",8} {"API p50",8} {"REST/ev",8} {"peak RSS MiB",13}");
        foreach (var l in report.Levels)
        {
            text.AppendLine(c, $"{l.Receivers,5} {l.Events,7} {l.Deliveries,10} {l.Missing,8} {l.EventsPerSecond,7:0.0} {l.DeliveriesPerSecond,8:0.0} {l.LatencyMs.P50,8:0.00} {l.LatencyMs.P95,8:0.00} {l.LatencyMs.P99,8:0.00} {l.LatencyMs.Max,8:0.00} {l.EveryoneLatencyMs.P50,8:0.00} {l.EveryoneLatencyMs.P95,8:0.00} {l.EveryoneLatencyMs.P99,8:0.00} {l.ApiLatencyMs.P50,8:0.00} {l.RestCallsPerEvent?.ToString("0.00", c) ?? "-",8} {Mib(l.WorkerPeakRssMiB),13}");
        }

        foreach (var l in report.Levels.Where(l => l.RestCalls is not null))
        {
            var r = l.RestCalls!;
            text.AppendLine(c, $"REST calls at {l.Receivers} receivers: {Describe(r)}; in setup: {Describe(l.SetupRestCalls!)}");
        }

        foreach (var l in report.Levels.Where(l => l.FirstError is not null || l.Disconnects > 0))
        {
            text.AppendLine(c, $"at {l.Receivers} receivers: {l.Disconnects} connection(s) lost; first error: {l.FirstError}");
        }

        if (report.Goal is not null)
        {
            text.AppendLine(c, $"goal: {report.Goal}");
        }

        return text.ToString();
    }

    public static async Task WriteJsonAsync<T>(T report, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, report, Json);
    }

    private static string Describe(RestCalls r) =>
        $"{r.Total} = {r.SendToGroup} send-to-group, {r.SendToUser} send-to-user, {r.GroupMembership} group membership, {r.Other} other";

    private static string Mib(double? value) => value?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-";
}
