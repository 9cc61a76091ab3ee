using Microsoft.Extensions.Configuration;

namespace DistaHilar.Functions.Hosting;

/// <summary>
/// Where the worker's traces, metrics and logs go: Application Insights when its connection string is set (Azure),
/// an OTLP endpoint (a local collector, Jaeger, Aspire's dashboard), the console when asked; nothing by default, and
/// then OpenTelemetry is not even registered, so a local run or a benchmark pays nothing for it.
/// </summary>
public sealed record TelemetryOptions(string? ApplicationInsightsConnectionString, string? ApplicationInsightsAuthentication, string? OtlpEndpoint, bool Console)
{
    public const string Section = "Telemetry";

    public bool AnyExporter => ApplicationInsights || Otlp || Console;

    public bool ApplicationInsights => !string.IsNullOrWhiteSpace(ApplicationInsightsConnectionString);

    public bool Otlp => !string.IsNullOrWhiteSpace(OtlpEndpoint);

    /// <summary>
    /// Entra ID sign-in for Application Insights with local auth off: <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c>
    /// is <c>Authorization=AAD</c> (the system-assigned identity) or <c>ClientId=&lt;id&gt;;Authorization=AAD</c> (a
    /// user-assigned one), as the Functions host reads it. Null: the connection string's key is enough.
    /// </summary>
    public (bool Entra, string? ClientId) ApplicationInsightsIdentity
    {
        get
        {
            var parts = (ApplicationInsightsAuthentication ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => p.Split('=', 2))
                .Where(p => p.Length == 2)
                .GroupBy(p => p[0].Trim(), StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.Last()[1].Trim(), StringComparer.OrdinalIgnoreCase);
            var entra = parts.TryGetValue("Authorization", out var kind) && string.Equals(kind, "AAD", StringComparison.OrdinalIgnoreCase);
            return (entra, entra ? parts.GetValueOrDefault("ClientId") : null);
        }
    }

    /// <summary>The standard settings (<c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> and <c>_AUTHENTICATION_STRING</c>, <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>) and <c>Telemetry__Console</c>.</summary>
    public static TelemetryOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new(
            configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"],
            configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"],
            configuration["OTEL_EXPORTER_OTLP_ENDPOINT"],
            configuration.GetValue<bool>($"{Section}:Console"));
    }
}
