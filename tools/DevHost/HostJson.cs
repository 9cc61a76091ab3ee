using System.Globalization;
using System.Text.Json;

namespace DistaHilar.DevHost;

/// <summary>The parts of host.json the DevHost honours, with the Functions host's defaults.</summary>
public sealed record HostJson(string RoutePrefix, QueueTriggerOptions Queues, LogFilter Logging)
{
    public static HostJson Load(string appDirectory)
    {
        var path = Path.Combine(appDirectory, "host.json");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"host.json is missing from the function app folder '{appDirectory}'. Is the app built?", path);
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var extensions = Property(doc.RootElement, "extensions");
        var http = extensions is { } e ? Property(e, "http") : null;
        var queues = extensions is { } e2 ? Property(e2, "queues") : null;

        var routePrefix = http is { } h && Property(h, "routePrefix") is { ValueKind: JsonValueKind.String } p ? p.GetString()! : "api";
        var logging = Property(doc.RootElement, "logging") is { } l ? Property(l, "logLevel") : null;
        return new HostJson(routePrefix.Trim('/'), QueueTriggerOptions.From(queues), LogFilter.From(logging));
    }

    internal static JsonElement? Property(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        // host.json keys are case-insensitive for the Functions host.
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }
}

/// <summary>extensions.queues of host.json (Azure Functions queue trigger semantics).</summary>
public sealed record QueueTriggerOptions(
    int BatchSize,
    int NewBatchThreshold,
    TimeSpan MaxPollingInterval,
    TimeSpan VisibilityTimeout,
    int MaxDequeueCount,
    bool Base64Encoding)
{
    /// <summary>The Functions host's in-flight visibility (fixed there, not a host.json setting): 10 minutes.</summary>
    public static readonly TimeSpan DefaultLease = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a dequeued message stays invisible while its function runs; renewed at half-time. A worker that dies
    /// leaves the messages it had taken invisible for this long, then they are taken again.
    /// </summary>
    public TimeSpan Lease { get; init; } = DefaultLease;

    /// <summary>The first delay after an empty poll; doubled up to <see cref="MaxPollingInterval"/>.</summary>
    public static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    internal static QueueTriggerOptions From(JsonElement? queues)
    {
        var batchSize = Int(queues, "batchSize") ?? 16;
        if (batchSize is < 1 or > 32)
        {
            throw new InvalidDataException("host.json extensions.queues.batchSize must be between 1 and 32.");
        }

        var encoding = queues is { } q && HostJson.Property(q, "messageEncoding") is { ValueKind: JsonValueKind.String } enc ? enc.GetString() : "base64";
        return new QueueTriggerOptions(
            batchSize,
            Int(queues, "newBatchThreshold") ?? batchSize / 2 * Environment.ProcessorCount,
            Span(queues, "maxPollingInterval") ?? TimeSpan.FromMinutes(1),
            Span(queues, "visibilityTimeout") ?? TimeSpan.Zero,
            Int(queues, "maxDequeueCount") ?? 5,
            !string.Equals(encoding, "none", StringComparison.OrdinalIgnoreCase));
    }

    private static int? Int(JsonElement? section, string name) =>
        section is { } s && HostJson.Property(s, name) is { ValueKind: JsonValueKind.Number } v ? v.GetInt32() : null;

    private static TimeSpan? Span(JsonElement? section, string name) =>
        section is { } s && HostJson.Property(s, name) is { ValueKind: JsonValueKind.String } v
            ? TimeSpan.Parse(v.GetString()!, CultureInfo.InvariantCulture)
            : null;
}
