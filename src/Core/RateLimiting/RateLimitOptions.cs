namespace DistaHilar.Core.RateLimiting;

/// <summary>App settings <c>RateLimits__*</c>: abuse limits per fixed window, shared across instances.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failed logins per account (username or email) per window.</summary>
    public int LoginFailuresPerAccount { get; set; } = 10;

    /// <summary>Login attempts per client IP per window.</summary>
    public int LoginsPerIp { get; set; } = 100;

    /// <summary>Registration attempts per client IP per window.</summary>
    public int RegistrationsPerIp { get; set; } = 20;

    /// <summary>Registration attempts per email address per window.</summary>
    public int RegistrationsPerEmail { get; set; } = 5;
}
