using System.Runtime.InteropServices;
using DistaHilar.SignalREmulator;
using Microsoft.Extensions.Logging;

// `DistaHilar.SignalREmulator [--port 8888] [--key <access key>] [--upstream <url template>]`
// Prints the connection string for the app's settings, then runs until Ctrl-C or SIGTERM.
const string Usage = "usage: DistaHilar.SignalREmulator [--port 8888] [--key <access key>] [--upstream http://127.0.0.1:7071/api/signalr/{category}/{event}]";
var options = new EmulatorOptions { Port = 8888 };
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], out var port):
            options = options with { Port = port };
            i++;
            break;
        case "--key" when i + 1 < args.Length:
            options = options with { AccessKey = args[++i] };
            break;
        case "--upstream" when i + 1 < args.Length:
            options = options with { UpstreamUrlTemplate = args[++i] };
            break;
        default:
            Console.Error.WriteLine(Usage);
            return 2;
    }
}

using var loggerFactory = LoggerFactory.Create(b => b
    .AddSimpleConsole(o =>
    {
        o.SingleLine = true;
        o.TimestampFormat = "HH:mm:ss ";
    })
    .AddFilter("Microsoft", LogLevel.Warning));
using var cancel = new CancellationTokenSource();
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

await using var emulator = await SignalREmulator.StartAsync(options with { LoggerFactory = loggerFactory }, cancel.Token);
Console.WriteLine(emulator.ConnectionString);
await Task.Delay(Timeout.Infinite, cancel.Token).ContinueWith(_ => { }, TaskScheduler.Default);
return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    cancel.Cancel();
}
