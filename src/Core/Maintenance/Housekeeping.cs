using DistaHilar.Core.Data;
using DistaHilar.Core.RateLimiting;
using DistaHilar.Core.Realtime;
using DistaHilar.Core.Updates;
using DistaHilar.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Maintenance;

/// <summary>
/// Deletes what only grows: rate-limit windows long over, and sessions (with their refresh tokens) that ended more
/// than <see cref="KeepEndedSessions"/> ago; and drops realtime connections the service no longer has
/// (<see cref="StaleConnections"/>); and the change log's rows older than its retention. Idempotent: running it twice, or on two instances, is harmless.
/// </summary>
public sealed class Housekeeping(DistaHilarDbContext db, StaleConnections staleConnections, IOptions<RateLimitOptions> limits, IOptions<UpdatesOptions> updates, TimeProvider time, ILogger<Housekeeping> log)
{
    /// <summary>Ended sessions stay listed in the database this long, for support and abuse investigations.</summary>
    public static readonly TimeSpan KeepEndedSessions = TimeSpan.FromDays(30);

    /// <summary>Log rows outlive the retention by this much, so a cursor just inside it never misses a slow transaction's row.</summary>
    private static readonly TimeSpan LogSlack = TimeSpan.FromHours(1);

    public async Task<(int Windows, int Sessions, int StaleConnections, int LogRows)> RunAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var windowCutoff = now - limits.Value.LongestWindow - TimeSpan.FromHours(1);
        var sessionCutoff = now - KeepEndedSessions;
        var windows = await db.RateLimitCounters.Where(c => c.WindowStart < windowCutoff).ExecuteDeleteAsync(ct);
        var sessions = await db.Sessions.Where(s => s.RevokedAt < sessionCutoff || s.ExpiresAt < sessionCutoff).ExecuteDeleteAsync(ct);
        var logCutoff = now - updates.Value.Retention - LogSlack;
        var logRows = await db.OutboxMessages.Where(m => m.Logged && m.PublishedAt != null && m.CreatedAt < logCutoff).ExecuteDeleteAsync(ct);
        log.LogInformation("Housekeeping removed {Windows} rate-limit windows, {Sessions} ended sessions and {LogRows} change-log rows", windows, sessions, logRows);
        return (windows, sessions, await staleConnections.SweepAsync(ct), logRows);
    }
}
