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

    /// <summary>
    /// Removes the connection and stamps last seen on every disconnect, not only the last one: two disconnects
    /// handled at once would each still see the other's row and neither would stamp it. While another connection
    /// lives the stamp is not shown (the user is online); once none does, it is the latest disconnect.
    /// </summary>
    public async Task DisconnectedAsync(string connectionId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await db.Database.ExecuteSqlAsync(
            $"""
            WITH gone AS (DELETE FROM user_connections WHERE connection_id = {connectionId} RETURNING user_id)
            UPDATE users SET last_seen_at = GREATEST(coalesce(last_seen_at, {now}), {now})
            WHERE id IN (SELECT user_id FROM gone)
            """,
            ct);
    }
}
