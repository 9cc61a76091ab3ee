extern alias JsonEverything;

using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using DistaHilar.LocalServices;
using JsonEverything::Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DistaHilar.Tests.Infrastructure;

/// <summary>
/// Checks a response against what openapi.yaml says the route answers with that status: the documented media type
/// and, for JSON, the body against the response's schema (JSON Schema 2020-12, as OpenAPI 3.1 defines it; $refs into
/// components resolved in the same document). Formats are annotations only, as the dialect has them by default.
/// </summary>
public static class OpenApiResponses
{
    private static readonly Uri BaseUri = new("https://distahilar.test/openapi.json");
    private static readonly Lazy<(JsonElement Document, BuildOptions Options)> Spec = new(Load);
    private static int built;

    /// <summary>Reads the body and asserts it is what <paramref name="method"/> <paramref name="path"/> (as written in openapi.yaml, e.g. <c>/chats/{chatId}/messages</c>) documents for its status.</summary>
    public static async Task<JsonElement> AssertMatchesAsync(HttpResponseMessage response, string method, string path)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var body = text.Length == 0 ? default : JsonElement.Parse(text);
        AssertMatches(method, path, response.StatusCode, mediaType, body);
        return body;
    }

    public static void AssertMatches(string method, string path, HttpStatusCode status, string? mediaType, JsonElement body)
    {
        var (document, options) = Spec.Value;
        var where = $"{method.ToUpperInvariant()} {path} {(int)status}";
        Assert.True(document.GetProperty("paths").TryGetProperty(path, out var item), $"{path} is not in openapi.yaml");
        Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out var operation), $"{method} {path} is not in openapi.yaml");
        Assert.True(operation.GetProperty("responses").TryGetProperty(((int)status).ToString(CultureInfo.InvariantCulture), out var documented), $"{where}: this status is not documented");
        documented = Resolve(document, documented);
        if (!documented.TryGetProperty("content", out var content))
        {
            Assert.True(body.ValueKind == JsonValueKind.Undefined, $"{where}: documented without a body, but one came: {body}");
            return;
        }

        var media = default(JsonElement);
        Assert.True(mediaType is not null && content.TryGetProperty(mediaType, out media), $"{where}: {mediaType ?? "no body"} is not a documented media type ({string.Join(", ", content.EnumerateObject().Select(c => c.Name))})");
        if (!media.TryGetProperty("schema", out var schemaElement) || !mediaType!.EndsWith("json", StringComparison.Ordinal))
        {
            return;
        }

        var results = Schema(schemaElement, options).Evaluate(body, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.SchemaLocation}): {e.Key}: {e.Value}"))
            .Take(20)
            .ToList();
        Assert.True(results.IsValid, $"{where}: the body does not match openapi.yaml:\n{string.Join('\n', errors)}\nbody: {body}");
    }

    /// <summary>A schema as written at its place in the document, its relative $refs pointed at the registered document.</summary>
    private static JsonSchema Schema(JsonElement schema, BuildOptions options)
    {
        var text = schema.GetRawText().Replace("\"$ref\":\"#/", $"\"$ref\":\"{BaseUri}#/", StringComparison.Ordinal);
        var id = new Uri($"https://distahilar.test/response-{Interlocked.Increment(ref built)}.json");
        return JsonSchema.FromText(text, options, id);
    }

    private static JsonElement Resolve(JsonElement document, JsonElement element)
    {
        while (element.TryGetProperty("$ref", out var reference))
        {
            element = document;
            foreach (var token in reference.GetString()!.TrimStart('#', '/').Split('/'))
            {
                element = element.GetProperty(token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
            }
        }

        return element;
    }

    private static (JsonElement, BuildOptions) Load()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(RepoRoot.Find(), "openapi.yaml")))
        {
            yaml.Load(reader);
        }

        // Compact, so the $ref rewrite in Schema sees "$ref":"#/..." exactly.
        var document = JsonElement.Parse(Json(yaml.Documents[0].RootNode)!.ToJsonString());
        var registry = new SchemaRegistry();
        registry.Register(BaseUri, new JsonElementBaseDocument(document, BaseUri));
        return (document, new BuildOptions { SchemaRegistry = registry, Dialect = Dialect.Draft202012 });
    }

    /// <summary>YAML to JSON with YAML 1.2 core-schema scalars: plain true/false/null and numbers are typed, the rest strings.</summary>
    private static JsonNode? Json(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Json(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(Json)]),
        YamlScalarNode { Style: ScalarStyle.Plain } scalar => Plain(scalar.Value ?? ""),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new InvalidDataException($"Unexpected YAML node {node.NodeType} at {node.Start}"),
    };

    private static JsonValue? Plain(string value) => value switch
    {
        "" or "null" or "~" => null,
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => JsonValue.Create(n),
        _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && value.Any(char.IsDigit) && !value.Contains(':', StringComparison.Ordinal) => JsonValue.Create(d),
        _ => JsonValue.Create(value),
    };
}
