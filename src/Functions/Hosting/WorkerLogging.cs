using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace DistaHilar.Functions.Hosting;

/// <summary>
/// Applies host.json's <c>logging.logLevel</c> in the worker too. The host filters by it, but only after the isolated
/// worker has sent each log line over gRPC: EF Core's and HttpClient's per-call Information lines cost a send about
/// a tenth of its CPU (profiled) to be dropped on the other side. One source of truth: host.json.
/// </summary>
public static class WorkerLogging
{
    public static ILoggingBuilder UseHostJsonLogLevels(this ILoggingBuilder logging, string hostJsonPath)
    {
        ArgumentNullException.ThrowIfNull(logging);
        if (!File.Exists(hostJsonPath))
        {
            return logging;
        }

        using var document = JsonDocument.Parse(File.ReadAllText(hostJsonPath), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!document.RootElement.TryGetProperty("logging", out var section) || !section.TryGetProperty("logLevel", out var levels))
        {
            return logging;
        }

        foreach (var entry in levels.EnumerateObject())
        {
            if (Enum.TryParse<LogLevel>(entry.Value.GetString(), ignoreCase: true, out var level))
            {
                if (string.Equals(entry.Name, "default", StringComparison.OrdinalIgnoreCase))
                {
                    logging.SetMinimumLevel(level);
                }
                else
                {
                    logging.AddFilter(entry.Name, level);
                }
            }
        }

        return logging;
    }
}
