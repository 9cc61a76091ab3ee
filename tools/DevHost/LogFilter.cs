using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace DistaHilar.DevHost;

/// <summary>
/// host.json <c>logging.logLevel</c>: the host, not the worker, filters worker logs by category; the longest
/// matching category prefix wins, then <c>default</c> (Information when absent).
/// </summary>
public sealed class LogFilter
{
    private readonly KeyValuePair<string, LogLevel>[] rules;
    private readonly LogLevel fallback;

    private LogFilter(KeyValuePair<string, LogLevel>[] rules, LogLevel fallback)
    {
        this.rules = rules;
        this.fallback = fallback;
    }

    public bool IsEnabled(string category, LogLevel level)
    {
        foreach (var rule in rules)
        {
            if (category.StartsWith(rule.Key, StringComparison.OrdinalIgnoreCase))
            {
                return level >= rule.Value;
            }
        }

        return level >= fallback;
    }

    internal static LogFilter From(JsonElement? logLevel)
    {
        var rules = new List<KeyValuePair<string, LogLevel>>();
        var fallback = LogLevel.Information;
        if (logLevel is { ValueKind: JsonValueKind.Object } section)
        {
            foreach (var entry in section.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.String || !Enum.TryParse<LogLevel>(entry.Value.GetString(), ignoreCase: true, out var level))
                {
                    throw new InvalidDataException($"host.json logging.logLevel.{entry.Name} is not a log level.");
                }

                if (string.Equals(entry.Name, "default", StringComparison.OrdinalIgnoreCase))
                {
                    fallback = level;
                }
                else
                {
                    rules.Add(new(entry.Name, level));
                }
            }
        }

        return new LogFilter([.. rules.OrderByDescending(r => r.Key.Length)], fallback);
    }
}
