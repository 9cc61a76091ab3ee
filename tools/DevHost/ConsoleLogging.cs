using Microsoft.Extensions.Logging;

namespace DistaHilar.DevHost;

/// <summary>The one-line console log the local commands (DevHost, dev, bench) share.</summary>
public static class ConsoleLogging
{
    public static ILoggerFactory Create(LogLevel minimum = LogLevel.Information) => LoggerFactory.Create(b => b
        .AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        })
        .SetMinimumLevel(minimum)
        .AddFilter("Microsoft", LogLevel.Warning)
        .AddFilter("Grpc", LogLevel.Warning));
}
