using System.Text.Json;

namespace DistaHilar.Core.Realtime;

/// <summary>A client's hub-method invocation as the service posts it upstream (the trailing 0x1E already cut off).</summary>
public sealed record UpstreamInvocation(string? InvocationId, string Target, IReadOnlyList<JsonElement> Arguments);

/// <summary>
/// Reads what the service posts upstream. Field names are matched case-insensitively and hub names too: the official
/// emulator posts the disconnect as <c>{"Type":11,"Error":"..."}</c> and names the hub as its first client spelled it
/// (<c>Chat</c>), while the service writes <c>{"type":11,"error":"..."}</c> and lower-cases hubs.
/// </summary>
public static class UpstreamMessages
{
    /// <summary>Whether an upstream call names our hub; a call without the header is taken as ours.</summary>
    public static bool IsOurHub(string? hubHeader, string hub) =>
        string.IsNullOrEmpty(hubHeader) || string.Equals(hubHeader, hub, StringComparison.OrdinalIgnoreCase);

    /// <summary>The invocation in <paramref name="root"/>; a field of the wrong type counts as absent.</summary>
    public static UpstreamInvocation Invocation(JsonElement root) => new(
        String(root, "invocationId"),
        String(root, "target") ?? "",
        Property(root, "arguments") is { ValueKind: JsonValueKind.Array } arguments ? [.. arguments.EnumerateArray().Select(a => a.Clone())] : []);

    /// <summary>The <c>error</c> of a connection event (why a connection closed), or null: none, or not a JSON object.</summary>
    public static string? ConnectionError(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var doc = JsonDocument.ParseValue(ref reader);
            return String(doc.RootElement, "error");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? String(JsonElement root, string name) =>
        Property(root, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    /// <summary>The first property named <paramref name="name"/> in any casing.</summary>
    private static JsonElement? Property(JsonElement root, string name)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var property in root.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }
}
