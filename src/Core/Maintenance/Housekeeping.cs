using DistaHilar.Core.Data;
using DistaHilar.Core.RateLimiting;
using DistaHilar.Core.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Maintenance;

/// <summary>
/// Deletes what only grows: rate-limit windows long over, and sessions (with their refresh tokens) that ended more
/// than <see cref="KeepEndedSessions"/> ago; and drops realtime connections the service no longer has
/// (<see cref="StaleConnections"/>). Idempotent: running it twice, or on two instances, is harmless.
/// </summary>
public sealed class Housekeeping(DistaHilarDbContext db, StaleConnections staleConnections, IOptions<RateLimitOptions> limits, TimeProvider time, ILogger<Housekeeping> log)
{
    /// <summary>Ended sessions stay listed in the database this long, for support and abuse investigations.</summary>
    public static readonly TimeSpan KeepEndedSessions = TimeSpan.FromDays(30);

    public async Task<(int Windows, int Sessions, int StaleConnections)> RunAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var windowCutoff = now - limits.Value.Window - TimeSpan.FromHours(1);
        var sessionCutoff = now - KeepEndedSessions;
        var windows = await db.RateLimitCounters.Where(c => c.WindowStart < windowCutoff).ExecuteDeleteAsync(ct);
        var sessions = await db.Sessions.Where(s => s.RevokedAt < sessionCutoff || s.ExpiresAt < sessionCutoff).ExecuteDeleteAsync(ct);
        log.LogInformation("Housekeeping removed {Windows} rate-limit windows and {Sessions} ended sessions", windows, sessions);
        return (windows, sessions, await staleConnections.SweepAsync(ct));
    }
}
