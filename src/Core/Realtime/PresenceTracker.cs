using DistaHilar.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Realtime;

/// <summary>Keeps presence from the service's connection events: online while any connection lives; last seen when the last goes.</summary>
public sealed class PresenceTracker(DistaHilarDbContext db, TimeProvider time)
{
    public async Task ConnectedAsync(string connectionId, Guid userId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO user_connections (connection_id, user_id, connected_at) SELECT {connectionId}, id, {now} FROM users WHERE id = {userId} AND deleted_at IS NULL ON CONFLICT DO NOTHING",
            ct);
    }

    /// <summary>Removes the connection and, in the same statement, stamps last seen if it was the user's last one.</summary>
    public async Task DisconnectedAsync(string connectionId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await db.Database.ExecuteSqlAsync(
            $"""
            WITH gone AS (DELETE FROM user_connections WHERE connection_id = {connectionId} RETURNING user_id)
            UPDATE users SET last_seen_at = {now}
            WHERE id IN (SELECT user_id FROM gone)
              AND NOT EXISTS (SELECT 1 FROM user_connections c WHERE c.user_id = users.id AND c.connection_id <> {connectionId})
            """,
            ct);
    }
}
