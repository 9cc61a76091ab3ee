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
        var path = appDirectory is null ? null : Path.Combine(appDirectory, "local.settings.json");
        if (path is not null && File.Exists(path))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (HostJson.Property(doc.RootElement, "Values") is { ValueKind: JsonValueKind.Object } section)
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
}
