using System.Runtime.InteropServices;
using DistaHilar.DevHost;
using Microsoft.Extensions.Logging;

// `DistaHilar.DevHost --app <function app build output> [--port 7071] [--set KEY=VALUE ...] [--cors <origins>] [--cors-credentials]`
// Runs until Ctrl-C; exits non-zero when the worker dies, so scripts notice a broken app. --cors and --cors-credentials
// are func start's: comma-separated origins added to local.settings.json's Host.CORS, and credentials allowed.
const string Usage = "usage: DistaHilar.DevHost --app <function app build output> [--port 7071] [--set KEY=VALUE ...] [--cors <origins>] [--cors-credentials]";
string? app = null;
var port = 7071;
var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
var corsOrigins = new List<string>();
bool? corsCredentials = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--app" when i + 1 < args.Length:
            app = args[++i];
            break;
        case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], out var p):
            port = p;
            i++;
            break;
        case "--set" when i + 1 < args.Length && args[i + 1].Contains('=', StringComparison.Ordinal):
            var pair = args[++i];
            settings[pair[..pair.IndexOf('=', StringComparison.Ordinal)]] = pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..];
            break;
        case "--cors" when i + 1 < args.Length:
            corsOrigins.AddRange(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            break;
        case "--cors-credentials":
            corsCredentials = true;
            break;
        default:
            Console.Error.WriteLine(Usage);
            return 2;
    }
}

if (app is null)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

using var loggerFactory = ConsoleLogging.Create();

using var cancel = new CancellationTokenSource();

// Ctrl-C and `kill` both end in an orderly stop, so the worker is never left behind.
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

await using var host = await FunctionsDevHost.StartAsync(new DevHostOptions
{
    AppDirectory = app,
    HttpPort = port,
    Settings = settings,
    CorsOrigins = corsOrigins,
    CorsCredentials = corsCredentials,
    LoggerFactory = loggerFactory,
}, cancel.Token);

Console.WriteLine();
Console.WriteLine("Functions:");
foreach (var function in host.Functions)
{
    Console.WriteLine(function.Trigger switch
    {
        HttpTrigger http => $"  {function.Name}: [{string.Join(',', http.Methods.DefaultIfEmpty("*"))}] {new Uri(host.BaseAddress, (host.RoutePrefix.Length > 0 ? host.RoutePrefix + "/" : "") + http.Route.TrimStart('/'))}",
        QueueTrigger queue => $"  {function.Name}: queueTrigger ({queue.QueueName})",
        TimerTrigger timer => $"  {function.Name}: timerTrigger ({timer.Schedule})",
        var other => $"  {function.Name}: {((OtherTrigger)other).Type}",
    });
}

Console.WriteLine();
var finished = await Task.WhenAny(host.Completion, Task.Delay(Timeout.Infinite, cancel.Token).ContinueWith(_ => 0, TaskScheduler.Default));
if (finished == host.Completion)
{
    Console.Error.WriteLine($"The worker exited with code {host.Completion.Result}.");
    return host.Completion.Result == 0 ? 1 : host.Completion.Result;
}

return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    cancel.Cancel();
}
