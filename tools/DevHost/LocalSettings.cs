using System.Text.Json;

namespace DistaHilar.DevHost;

/// <summary>
/// Reads <c>local.settings.json</c> the way <c>func start</c> does: every <c>Values</c> entry becomes an
/// environment variable of the worker. Overrides (e.g. ports of throwaway services) win over the file.
/// </summary>
public static class LocalSettings
{
    public static Dictionary<string, string> Load(string? appDirectory, IReadOnlyDictionary<string, string?>? overrides)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        using (var doc = Read(appDirectory))
        {
            if (doc is not null && HostJson.Property(doc.RootElement, "Values") is { ValueKind: JsonValueKind.Object } section)
            {
                foreach (var entry in section.EnumerateObject())
                {
                    values[entry.Name] = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : entry.Value.GetRawText();
                }
            }
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                values.Remove(key);
            }
            else
            {
                values[key] = value;
            }
        }

        return values;
    }

    /// <summary>The <c>Host</c> section's CORS settings: <c>CORS</c> (comma-separated origins) and <c>CORSCredentials</c>.</summary>
    public static (IReadOnlyList<string> Origins, bool? Credentials) LoadCors(string? appDirectory)
    {
        using var doc = Read(appDirectory);
        if (doc is null || HostJson.Property(doc.RootElement, "Host") is not { ValueKind: JsonValueKind.Object } host)
        {
            return ([], null);
        }

        var origins = HostJson.Property(host, "CORS") is { ValueKind: JsonValueKind.String } cors
            ? cors.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
        bool? credentials = HostJson.Property(host, "CORSCredentials") switch
        {
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.False } => false,
            { ValueKind: JsonValueKind.String } text when bool.TryParse(text.GetString(), out var parsed) => parsed,
            _ => null,
        };
        return (origins, credentials);
    }

    private static JsonDocument? Read(string? appDirectory)
    {
        var path = appDirectory is null ? null : Path.Combine(appDirectory, "local.settings.json");
        return path is not null && File.Exists(path)
            ? JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })
            : null;
    }
}
