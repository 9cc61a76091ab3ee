namespace DistaHilar.Core.Health;

/// <summary>App settings <c>Health__*</c>.</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>Each dependency check gives up after this long and reports the dependency down.</summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Sent as Retry-After with a 503.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);
}
