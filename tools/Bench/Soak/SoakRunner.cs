using System.Net;
using DistaHilar.Bench.Faults;
using DistaHilar.Bench.Scenarios;
using DistaHilar.Dev;

namespace DistaHilar.Bench.Soak;

/// <summary>
/// The soak (issue 16): <see cref="SoakLoad"/> for <see cref="SoakOptions.Duration"/> against a stack of its own,
/// every member connected, with a reading every <see cref="SoakOptions.SampleEvery"/>. Flat is the goal: after warm-up
/// the worker's memory, GC heap floor, threads, descriptors and sockets, and the outbox backlog, must not grow.
/// </summary>
internal sealed class SoakRunner(DevEnvironment stack, HttpClient client, SoakOptions options, TextWriter progress)
{
    public const string Name = "soak";

    public async Task<SoakReport> RunAsync(DateTime started, CancellationToken ct)
    {
        await using var population = await ConnectedGroups.SetUpAsync(client, stack.ApiBaseUrl, "soak", options.Groups, options.Members, ct);
        var load = new SoakLoad(client, population.Chats, population.Caller, population.DialogId, options);
        using var counters = RuntimeCounters.TryStart(stack.Host.WorkerProcessId, out var countersUnavailable);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = load.RunAsync(stop.Token, ct);
        var samples = new List<SoakSample>();
        var clock = TimeProvider.System.GetTimestamp();
        var cpu = ProcessGauges.Cpu();
        for (var at = options.SampleEvery; at <= options.Duration; at += options.SampleEvery)
        {
            var wait = at - TimeProvider.System.GetElapsedTime(clock);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, ct);
            }

            var sample = await SampleAsync(TimeProvider.System.GetElapsedTime(clock), load, counters, cpu, ct);
            cpu = ProcessGauges.Cpu();
            samples.Add(sample);
            await progress.WriteLineAsync(FormattableString.Invariant(
                $"Soak {sample.Minute:0.0} min: RSS {sample.Worker.RssMiB:0} MiB, GC heap floor {sample.GcHeapFloorMiB:0.0} MiB, {sample.Worker.Threads} threads, {sample.Worker.Handles} fds, {sample.Worker.Sockets} sockets, CPU {sample.CpuBusyPercent:0} %, outbox backlog {sample.Database.OutboxBacklog}"));
        }

        await stop.CancelAsync();
        await running;
        return new SoakReport(started, MachineInfo.Current, stack.ApiBaseUrl.AbsoluteUri, options, BenchTarget.StartedAppSettings, countersUnavailable, samples, Trends(samples));
    }

    private async Task<SoakSample> SampleAsync(TimeSpan at, SoakLoad load, RuntimeCounters? counters, (long Busy, long Total) cpuBefore, CancellationToken ct)
    {
        var requests = load.TakeWindow().GroupBy(r => r.Kind).ToDictionary(g => g.Key, g =>
        {
            var ms = g.Select(r => r.Ms).Order().ToArray();
            return new KindWindow(ms.Length, g.Count(r => !r.Ok), Math.Round(ms[Math.Min(ms.Length - 1, (int)Math.Ceiling(ms.Length * 0.99) - 1)], 1));
        });
        var runtime = counters?.TakeWindow();
        var cpu = ProcessGauges.Cpu();
        var busy = cpu.Total == cpuBefore.Total ? 0 : 100.0 * (cpu.Busy - cpuBefore.Busy) / (cpu.Total - cpuBefore.Total);
        return new SoakSample(
            Math.Round(at.TotalMinutes, 2),
            ProcessGauges.Read(stack.Host.WorkerProcessId),
            runtime?.TryGetValue(RuntimeCounters.GcHeap, out var heap) == true ? Math.Round(heap.Min, 1) : null,
            runtime?.TryGetValue(RuntimeCounters.ThreadPoolThreads, out var pool) == true ? pool.Last : null,
            await DatabaseGauges.ReadAsync(stack.Services.Postgres.DirectConnectionString, ct),
            Math.Round(busy, 1),
            requests);
    }

    private List<Trend> Trends(IReadOnlyList<SoakSample> samples)
    {
        var after = samples.Where(s => s.Minute >= options.WarmUp.TotalMinutes).ToList();
        if (after.Count < 2)
        {
            return [];
        }

        (string Gauge, Func<SoakSample, double?> Read, double Slack)[] gauges =
        [
            ("worker RSS MiB", s => s.Worker.RssMiB, 0),
            ("GC heap floor MiB", s => s.GcHeapFloorMiB, 0),
            ("threads", s => s.Worker.Threads, 4),
            ("open descriptors", s => s.Worker.Handles, 8),
            ("sockets", s => s.Worker.Sockets, 8),
            ("outbox backlog", s => s.Database.OutboxBacklog, 10),
        ];
        return [.. gauges.Where(g => after.All(s => g.Read(s) is not null)).Select(g =>
        {
            var values = after.Select(s => g.Read(s)!.Value).ToList();
            var (first, last) = (values[0], values[^1]);
            var growth = first == 0 ? 0 : (last - first) / first;
            // A few threads or sockets more is a pool settling, not a leak: small gauges get an absolute slack.
            return new Trend(g.Gauge, first, last, values.Max(), Math.Round(growth * 100, 1), last - first <= Math.Max(g.Slack, first * options.FlatTolerance));
        })];
    }
}
