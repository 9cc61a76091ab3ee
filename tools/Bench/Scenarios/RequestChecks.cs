using System.Diagnostics;
using System.Globalization;
using DistaHilar.Core;
using DistaHilar.Core.Auth;
using DistaHilar.Core.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DistaHilar.Bench.Scenarios;

/// <summary>
/// The in-memory checks every request (the revoked-session lookup) or every hot write (a per-user token bucket) pays,
/// timed here in a loop on the app's own classes: a few hundred nanoseconds disappear in an HTTP round trip's noise,
/// so comparing two HTTP runs could not show them. The revoked set is refreshed from the stack's database as in the
/// app (one query per <see cref="AuthOptions.RevocationRefreshInterval"/>, its cost included), with
/// <see cref="Revoked"/> sessions ended locally on top; buckets are spread over <see cref="Users"/> users.
/// </summary>
internal static class RequestChecks
{
    private const int Revoked = 10_000;
    private const int Users = 10_000;
    private const int Iterations = 2_000_000;

    public static async Task<IReadOnlyDictionary<string, string>> MeasureAsync(string database, CancellationToken ct)
    {
        // The app's composition root, on the stack's direct connection: only the database is used.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Database:ConnectionString"] = database }).Build();
        await using var provider = new ServiceCollection().AddLogging().AddDistaHilarCore(configuration).BuildServiceProvider();
        using var revoked = new RevokedSessions(provider.GetRequiredService<IServiceScopeFactory>(), Options.Create(new AuthOptions()), TimeProvider.System, NullLogger<RevokedSessions>.Instance);
        revoked.Add(Enumerable.Range(0, Revoked).Select(_ => Guid.NewGuid()));
        var live = Enumerable.Range(0, 1024).Select(_ => Guid.NewGuid()).ToArray();

        // Default buckets, refilled faster than the loop drains them, so every check is the common case: allowed.
        using var limits = new UserLimits(Options.Create(new RateLimitOptions
        {
            MessagesPerChat = new BucketLimit { Burst = int.MaxValue, PerMinute = 60 },
            Messages = new BucketLimit { Burst = int.MaxValue, PerMinute = 1800 },
        }));
        var users = Enumerable.Range(0, Users).Select(_ => Guid.NewGuid()).ToArray();
        var chat = Guid.NewGuid();

        var revokedNs = await TimeAsync(async i => await revoked.IsRevokedAsync(live[i & 1023], ct), ct);
        var bucketNs = await TimeAsync(i => { limits.CheckMessages(users[i % Users], chat); return ValueTask.CompletedTask; }, ct);
        return new Dictionary<string, string>
        {
            ["revoked-session check"] = $"{Nanoseconds(revokedNs)} per request (a live session, {Revoked:N0} revoked, refresh query included)",
            ["message limit check"] = $"{Nanoseconds(bucketNs)} per send (two token buckets, {Users:N0} active users)",
        };
    }

    private static string Nanoseconds(double value) => value.ToString("0.0", CultureInfo.InvariantCulture) + " ns";

    private static async Task<double> TimeAsync(Func<int, ValueTask> check, CancellationToken ct)
    {
        for (var i = 0; i < Iterations / 10; i++)
        {
            await check(i); // warm up: JIT, the first refresh, the buckets' partitions
        }

        ct.ThrowIfCancellationRequested();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < Iterations; i++)
        {
            await check(i);
        }

        return Stopwatch.GetElapsedTime(started).TotalNanoseconds / Iterations;
    }
}
