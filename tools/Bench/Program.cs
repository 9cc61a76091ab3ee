using System.Runtime.InteropServices;
using DistaHilar.Bench;
using DistaHilar.Bench.Delivery;
using DistaHilar.Bench.Faults;
using DistaHilar.Bench.Soak;
using DistaHilar.Bench.Media;
using DistaHilar.Bench.Pgbench;
using DistaHilar.Bench.Scenarios;
using DistaHilar.DevHost;
using DistaHilar.LocalServices;
using Microsoft.Extensions.Logging;

// DistaHilar.Bench [--scenario health] [--concurrency 1,8,32] [--duration 10] [--warmup 3] [--url <loopback url>] [--json <path>]
// DistaHilar.Bench --scenario pgbench [--concurrency 1,8,32] [--duration 10] [--warmup 3] [--json <path>]
// DistaHilar.Bench --scenario fanout|send-dialog|send-group [--receivers 2,50,500] [--messages 200] [--url <loopback url>] [--json <path>]
// DistaHilar.Bench --scenario upload-direct|upload-api [--concurrency 1,8,32] [--duration 10] [--warmup 3] [--json <path>]
// DistaHilar.Bench --scenario media-image [--images 20] [--timeout 30] [--json <path>]
// DistaHilar.Bench --scenario soak [--minutes 10] [--json <path>]
// DistaHilar.Bench --scenario faults [--faults postgres,signalr,azurite,worker,pgbouncer] [--outage 10] [--chats 4] [--members 3] [--json <path>]
var options = BenchOptions.Parse(args, ScenarioCatalog.Names, out var error);
if (options is null)
{
    await Console.Error.WriteLineAsync(error);
    await Console.Error.WriteLineAsync(BenchOptions.UsageText(ScenarioCatalog.Names));
    return 2;
}

if (options.Help)
{
    Console.WriteLine(BenchOptions.UsageText(ScenarioCatalog.Names));
    return 0;
}

if (options.Url is not null && (options.Scenario is PgbenchRunner.Name or ImageRunner.Name or FaultRunner.Name or SoakRunner.Name || ScenarioCatalog.All.Any(s => s.Name == options.Scenario && s is IDatabaseScenario)))
{
    await Console.Error.WriteLineAsync($"{options.Scenario} needs the database of the stack the bench starts: run it without --url.");
    return 2;
}

var workload = DeliveryRunner.Workloads.SingleOrDefault(w => w.Name == options.Scenario);
if (workload?.CheckReceivers(options.Receivers ?? workload.DefaultReceivers) is { } receiversError)
{
    await Console.Error.WriteLineAsync(receiversError);
    return 2;
}

var jsonPath = options.JsonPath ?? Path.Combine(RepoRoot.Find(), "bench-results", options.Scenario + ".json");

// Only problems show: the stack's and the worker's routine logs would drown the results.
using var loggerFactory = ConsoleLogging.Create(LogLevel.Warning);

using var cancel = new CancellationTokenSource();
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

try
{
    var started = DateTime.UtcNow;
    var faultOptions = options.Faults with { RequestTimeout = options.RequestTimeout };
    await using var target = options.Url is not null
        ? BenchTarget.Running(options.Url)
        : await BenchTarget.StartAsync(
            loggerFactory,
            options.Scenario == FaultRunner.Name ? FaultRunner.AppSettings(faultOptions) : BenchTarget.StartedAppSettings,
            options.Durability,
            cancel.Token);
    var workers = options.Concurrency.Max();
    using var client = new HttpClient(new SocketsHttpHandler
    {
        // One connection per worker, so workers never queue for a connection inside the client.
        MaxConnectionsPerServer = workers,
        UseProxy = false,
        AllowAutoRedirect = false,
        // No cookie jar: the auth routes set a refresh-token cookie, and no scenario may send one back unasked.
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    {
        BaseAddress = target.Api,
        Timeout = options.RequestTimeout,
    };

    if (workload is not null)
    {
        var delivery = await new DeliveryRunner(client, target, options, workload).RunAsync(started, cancel.Token);
        Console.Write(ReportWriter.Table(delivery));
        await ReportWriter.WriteJsonAsync(delivery, jsonPath);
        await Console.Error.WriteLineAsync($"Results written to {jsonPath}");
        return delivery.Levels.Any(l => l.Failed) ? 1 : 0;
    }

    if (options.Scenario == FaultRunner.Name)
    {
        var faults = await new FaultRunner(target.Stack!, client, faultOptions, Console.Error, target.RecordProcesses).RunAsync(started, cancel.Token);
        Console.Write(ReportWriter.Table(faults));
        await ReportWriter.WriteJsonAsync(faults, jsonPath);
        await Console.Error.WriteLineAsync($"Results written to {jsonPath}");
        return faults.Passed ? 0 : 1;
    }

    if (options.Scenario == SoakRunner.Name)
    {
        var soak = await new SoakRunner(target.Stack!, client, options.Soak, Console.Error).RunAsync(started, cancel.Token);
        Console.Write(ReportWriter.Table(soak));
        await ReportWriter.WriteJsonAsync(soak, jsonPath);
        await Console.Error.WriteLineAsync($"Results written to {jsonPath}");
        return soak.Flat ? 0 : 1;
    }

    if (options.Scenario == PgbenchRunner.Name)
    {
        var pgbench = await new PgbenchRunner(target, options).RunAsync(started, cancel.Token);
        Console.Write(ReportWriter.Table(pgbench));
        await ReportWriter.WriteJsonAsync(pgbench, jsonPath);
        await Console.Error.WriteLineAsync($"Results written to {jsonPath}");
        return pgbench.Levels.Any(l => l.Errors * 100 > l.Requests) ? 1 : 0;
    }

    if (options.Scenario == ImageRunner.Name)
    {
        var images = await new ImageRunner(client, target, options).RunAsync(started, cancel.Token);
        Console.Write(ReportWriter.Table(images));
        await ReportWriter.WriteJsonAsync(images, jsonPath);
        await Console.Error.WriteLineAsync($"Results written to {jsonPath}");
        return images.Levels.Any(l => l.Errors > 0) ? 1 : 0;
    }

    var scenario = ScenarioCatalog.Get(options.Scenario);
    await Console.Error.WriteLineAsync($"Setting up scenario {scenario.Name} against {target.Api} ...");
    await scenario.SetupAsync(new BenchContext(target.Api, client, workers, target.DirectDatabase, target.Storage), cancel.Token);
    var runner = new LoadRunner(client, scenario);
    var levels = new List<LevelResult>();
    foreach (var concurrency in options.Concurrency)
    {
        await Console.Error.WriteLineAsync($"Concurrency {concurrency}: warm-up {options.Warmup.TotalSeconds} s, then {options.Duration.TotalSeconds} s measured ...");
        target.ResetPeakMemory();
        var run = await runner.RunLevelAsync(concurrency, options.Warmup, options.Duration, cancel.Token);
        levels.Add(LevelResult.From(concurrency, run, target.ReadMemory(), (scenario as IPayloadScenario)?.PayloadBytes));
        if (scenario is ILevelSettling settling)
        {
            await settling.AfterLevelAsync(cancel.Token);
        }
    }

    var report = new BenchReport(started, MachineInfo.Current, target.Api.AbsoluteUri, scenario.Name, target.OverriddenSettings, levels,
        (scenario as IScenarioNotes)?.Notes ?? new Dictionary<string, string>());
    Console.Write(ReportWriter.Table(report));
    await ReportWriter.WriteJsonAsync(report, jsonPath);
    await Console.Error.WriteLineAsync($"Results written to {jsonPath}");
    return levels.Any(l => l.Errors * 100 > l.Requests) ? 1 : 0;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    await Console.Error.WriteLineAsync("Interrupted; nothing written.");
    return 130;
}

// The first signal stops the run and lets the stack shut down cleanly; a second one ends the process at once
// (the pid file then lets the next run stop what is left).
void Stop(PosixSignalContext context)
{
    context.Cancel = !cancel.IsCancellationRequested;
    cancel.Cancel();
}
