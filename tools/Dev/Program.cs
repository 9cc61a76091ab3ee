using System.Runtime.InteropServices;
using DistaHilar.Dev;
using DistaHilar.DevHost;
using DistaHilar.LocalServices;
using Microsoft.Extensions.Logging;

// dev up [--port 7071] [--app <dir>] [--web-port 5173]
//                                     start everything (and serve web/dist when it is built; --web-port 0 = a free
//                                     port), print the URLs, run until Ctrl-C / SIGTERM
// dev stop                            end the processes a previous `up` recorded (after a crash, say)
var command = args.FirstOrDefault() ?? "up";
var registry = new ProcessRegistry(Path.Combine(RepoRoot.Find(), ".dev", "pids"));
using var loggerFactory = ConsoleLogging.Create();
var log = loggerFactory.CreateLogger("dev");

if (command == "stop")
{
    var stopped = await registry.StopAllAsync(log);
    Console.WriteLine($"Stopped {stopped} process(es).");
    return 0;
}

if (command != "up")
{
    Console.Error.WriteLine("usage: dev up [--port 7071] [--app <function app build output>] [--web-port 5173] | dev stop");
    return 2;
}

var port = 7071;
var webPort = WebClientOptions.DefaultPort;
var app = DevEnvironment.DefaultAppDirectory();
for (var i = 1; i < args.Length - 1; i += 2)
{
    switch (args[i])
    {
        case "--port":
            port = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
            break;
        case "--app":
            app = args[i + 1];
            break;
        case "--web-port":
            webPort = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
            break;
    }
}

// ./dev.sh builds the web client first when web/ has one; without a build the API runs alone.
var webRoot = WebClientOptions.DefaultRoot();
var webClient = File.Exists(Path.Combine(webRoot, "index.html")) ? new WebClientOptions(webRoot, webPort) : null;
if (webClient is null)
{
    Console.WriteLine($"The web client is not served: {webRoot} has no index.html (build it with `npm ci && npm run build` in web/; ./dev.sh does when web/package.json exists).");
}

// Leftovers of an `up` that was killed hard are ended first, so ports and processes never pile up.
await registry.StopAllAsync(log);

using var cancel = new CancellationTokenSource();
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

var started = System.Diagnostics.Stopwatch.StartNew();
await using var stack = await DevEnvironment.StartAsync(app, port, loggerFactory, readLocalSettings: true, extraSettings: null, PostgresDurability.Fast, webClient, cancel.Token);
foreach (var process in stack.Services.Processes)
{
    registry.Record(process);
}

if (stack.Turn.Tracked is { } turn)
{
    registry.Record(turn);
}

registry.Record(new TrackedProcess("worker", stack.Host.WorkerProcessId, "dotnet", stack.Host.WorkerId, 15));

var api = new Uri(stack.Host.BaseAddress, stack.Host.RoutePrefix + "/");
// Spliced into the raw string below after its indentation is stripped, hence two spaces.
var web = stack.Web is { } w ? $"{Environment.NewLine}  Web         {w.BaseAddress} (web/dist; its /config.json names the API)" : "";
Console.WriteLine($"""

    DistaHilar is running (started in {started.Elapsed.TotalSeconds:0.0} s).{web}
      API         {api}
      Health      {new Uri(api, "health")}
      PostgreSQL  {Redacted(stack.Services.Postgres.DirectConnectionString)} (direct; the app goes through PgBouncer on port {stack.Services.PgBouncer.Port})
      Azurite     blob {stack.Services.Azurite.BlobEndpoint}  queue {stack.Services.Azurite.QueueEndpoint}
      SignalR     {stack.SignalR.Endpoint} (emulator, serverless; clients negotiate at {new Uri(api, "negotiate")})
      TURN        turn:127.0.0.1:{stack.Turn.Port} (coturn, UDP and TCP; credentials from {new Uri(api, "calls/ice-servers")})
    Press Ctrl-C to stop.

    """);

var finished = await Task.WhenAny(stack.Host.Completion, Task.Delay(Timeout.Infinite, cancel.Token).ContinueWith(_ => 0, TaskScheduler.Default));
var exitCode = finished == stack.Host.Completion ? 1 : 0;
if (exitCode != 0)
{
    Console.Error.WriteLine($"The worker exited with code {stack.Host.Completion.Result}; stopping.");
}

await stack.DisposeAsync();
File.Delete(registry.PidFile);
return exitCode;

static string Redacted(string connectionString) =>
    string.Join(';', connectionString.Split(';').Where(p => !p.StartsWith("Password", StringComparison.OrdinalIgnoreCase)));

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    cancel.Cancel();
}
