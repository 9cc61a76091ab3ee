using DistaHilar.Core.Data;
using DistaHilar.Core.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace DistaHilar.Core.Users;

/// <summary>
/// Connections the service never reported closed (its upstream call was lost, e.g. during an outage of the app) would
/// keep their users "online" for ever. Housekeeping asks the service about old ones and treats the dead as
/// disconnected: last seen is stamped and presence goes out as for a real disconnect.
/// </summary>
public sealed class StaleConnections(DistaHilarDbContext db, SignalRService signalR, PresenceTracker presence, TimeProvider time, ILogger<StaleConnections> log)
{
    /// <summary>Younger connections are left alone: their events may still be on the way.</summary>
    public static readonly TimeSpan MinimumAge = TimeSpan.FromMinutes(10);

    private const int Batch = 500;

    public async Task<int> SweepAsync(CancellationToken ct)
    {
        if (!signalR.IsConfigured)
        {
            return 0;
        }

        var cutoff = time.GetUtcNow() - MinimumAge;
        var candidates = await db.UserConnections.AsNoTracking()
            .Where(c => c.ConnectedAt < cutoff)
            .OrderBy(c => c.ConnectedAt)
            .Select(c => c.ConnectionId)
            .Take(Batch)
            .ToListAsync(ct);
        var dropped = 0;
        foreach (var connectionId in candidates)
        {
            bool alive;
            try
            {
                alive = await signalR.IsConnectionAliveAsync(connectionId, ct);
            }
            catch (HttpRequestException ex)
            {
                // The service is not answering: nobody can be judged dead now; the next run tries again.
                log.LogWarning("Stale connection sweep stopped: {Error}", ex.Message);
                break;
            }

            if (!alive)
            {
                await presence.DisconnectedAsync(connectionId, ct);
                dropped++;
            }
        }

        if (dropped > 0)
        {
            log.LogInformation("Dropped {Count} connections the service no longer has", dropped);
        }

        return dropped;
    }
}
