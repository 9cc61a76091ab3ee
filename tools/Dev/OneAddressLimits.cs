using DistaHilar.Core.RateLimiting;

namespace DistaHilar.Dev;

/// <summary>
/// App settings for a stack whose every client is 127.0.0.1 (tests, benchmarks): the abuse limits would answer 429
/// within seconds, so they are lifted far beyond any run. The per-user buckets stay on, never running dry, so every
/// request still pays for its check. Password hashing keeps the app's defaults; limit tests start their own app with
/// every default.
/// </summary>
public static class OneAddressLimits
{
    private const string Plenty = "1000000000";

    public static IReadOnlyDictionary<string, string?> Settings { get; } = new[]
        {
            nameof(RateLimitOptions.LoginFailuresPerAccount), nameof(RateLimitOptions.LoginFailuresPerAddress),
            nameof(RateLimitOptions.LoginsPerIp), nameof(RateLimitOptions.RegistrationsPerIp), nameof(RateLimitOptions.RegistrationsPerEmail),
            nameof(RateLimitOptions.ChatsCreatedPerDay), nameof(RateLimitOptions.EmailPhoneChangesPerDay),
        }
        .Select(name => $"{RateLimitOptions.Section}__{name}")
        .Concat(typeof(RateLimitOptions).GetProperties().Where(p => p.PropertyType == typeof(BucketLimit))
            .SelectMany(p => new[] { $"{RateLimitOptions.Section}__{p.Name}__Burst", $"{RateLimitOptions.Section}__{p.Name}__PerMinute" }))
        .Select(key => KeyValuePair.Create(key, (string?)Plenty))
        .ToDictionary();
}
