using DistaHilar.Core.Data;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.Realtime;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Users;

/// <summary>
/// Keeps presence from the service's connection events: online while any connection lives; last seen when the last
/// goes. When a user comes online or goes offline, a <c>presence</c> event goes to the people who may see it: their
/// dialog peers and the people who have them as a contact, as their lastSeenVisibility allows, and only those of them
/// who are connected — so the cost follows the user's own circle, never the size of the groups they are in.
/// </summary>
public sealed class PresenceTracker(DistaHilarDbContext db, WritePipeline pipeline, RealtimeEvents events, IEnumerable<IOfflineHandler> offline, TimeProvider time)
{
    public const string Event = "presence";

    /// <summary>
    /// Records a connection of a live session. The session row is share-locked while the row goes in, so a
    /// revocation either waits for this and then closes the connection with the rest of the session's, or commits
    /// first and this finds the session ended: then the connection is refused (closed at the service).
    /// </summary>
    public async Task ConnectedAsync(string connectionId, Guid userId, Guid? sessionId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var added = sessionId is null ? 0 : await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO user_connections (connection_id, user_id, session_id, connected_at)
            SELECT {connectionId}, s.user_id, s.id, {now} FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.id = {sessionId} AND s.user_id = {userId} AND s.revoked_at IS NULL AND s.expires_at > {now} AND u.deleted_at IS NULL
            FOR SHARE OF s
            ON CONFLICT DO NOTHING
            """,
            ct);
        if (added == 0)
        {
            // A repeated event for a connection we already have is harmless; anything else is an ended session.
            if (!await db.UserConnections.AnyAsync(c => c.ConnectionId == connectionId, ct))
            {
                await pipeline.SaveAsync(() => events.CloseConnection(connectionId), ct);
            }

            return;
        }

        // The first connection makes the user online (two devices connecting in the same instant may both see two
        // connections and announce nothing; the next profile read still shows them online).
        if (await db.UserConnections.CountAsync(c => c.UserId == userId, ct) == 1)
        {
            await AnnounceAsync(userId, Presence.Online, null, ct);
        }
    }

    /// <summary>
    /// Removes the connection and stamps last seen on every disconnect, not only the last one: two disconnects
    /// handled at once would each still see the other's row and neither would stamp it. While another connection
    /// lives the stamp is not shown (the user is online); once none does, it is the latest disconnect.
    /// </summary>
    public async Task DisconnectedAsync(string connectionId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var gone = await db.Database.SqlQuery<Guid>(
            $"""
            WITH gone AS (DELETE FROM user_connections WHERE connection_id = {connectionId} RETURNING user_id)
            UPDATE users SET last_seen_at = GREATEST(coalesce(last_seen_at, {now}), {now})
            WHERE id IN (SELECT user_id FROM gone)
            RETURNING id AS "Value"
            """).ToListAsync(ct);
        foreach (var userId in gone)
        {
            if (!await db.UserConnections.AnyAsync(c => c.UserId == userId, ct))
            {
                await AnnounceAsync(userId, Presence.Offline, now, ct);
                foreach (var handler in offline)
                {
                    await handler.WentOfflineAsync(userId, ct);
                }
            }
        }
    }

    private async Task AnnounceAsync(Guid userId, string status, DateTimeOffset? lastSeenAt, CancellationToken ct)
    {
        // Who may see my exact presence (PresencePolicy), restricted to my dialog peers and those who keep me as a
        // contact, and to those connected right now (others read presence with their next profile or chat list).
        var audience = await db.Database.SqlQuery<Guid>(
            $"""
            WITH me AS (SELECT id, last_seen_visibility FROM users WHERE id = {userId} AND deleted_at IS NULL),
            circle AS (
                SELECT other.user_id AS viewer FROM chat_members mine
                JOIN chats c ON c.id = mine.chat_id AND c.type = 1
                JOIN chat_members other ON other.chat_id = c.id AND other.user_id <> mine.user_id
                WHERE mine.user_id = {userId}
                UNION
                SELECT owner_id FROM contacts WHERE contact_id = {userId})
            SELECT DISTINCT circle.viewer AS "Value" FROM circle, me
            WHERE EXISTS (SELECT 1 FROM user_connections uc WHERE uc.user_id = circle.viewer)
              AND (me.last_seen_visibility = {UserSettings.Everybody}
                   OR (me.last_seen_visibility = {UserSettings.Contacts}
                       AND EXISTS (SELECT 1 FROM contacts k WHERE k.owner_id = {userId} AND k.contact_id = circle.viewer)))
            """).ToListAsync(ct);
        if (audience.Count == 0)
        {
            return;
        }

        var update = new PresenceUpdate(userId, status, lastSeenAt);
        await pipeline.SaveAsync(
            () =>
            {
                foreach (var viewer in audience)
                {
                    events.ToUserTransient(viewer, Event, update);
                }
            },
            ct);
    }
}

/// <summary><c>presence</c>: a user came online or went offline (with the last-seen time).</summary>
public sealed record PresenceUpdate(Guid UserId, string Status, DateTimeOffset? LastSeenAt);
