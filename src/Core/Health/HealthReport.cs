using System.Text.Json.Serialization;

namespace DistaHilar.Core.Health;

/// <summary>The body of <c>GET /api/health</c>.</summary>
public sealed record HealthReport(string Status, HealthChecks Checks)
{
    [JsonIgnore]
    public bool IsHealthy => Status == HealthStatus.Healthy;
}

public sealed record HealthChecks(string Database, string Storage, string Signalr);

public static class HealthStatus
{
    public const string Healthy = "healthy";
    public const string Unhealthy = "unhealthy";
    public const string Up = "up";
    public const string Down = "down";
    public const string NotConfigured = "not-configured";
}
