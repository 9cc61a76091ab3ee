using DistaHilar.Core.Data;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.Realtime;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Auth;

/// <summary>Which of a user's sessions to end: all, one, or all but one (the device asking).</summary>
public readonly record struct SessionSelection(Guid UserId, Guid? Only = null, Guid? Except = null);

/// <summary>
/// Ends sessions everywhere at once: the refresh tokens stop working (the session row is revoked), access tokens of
/// the session stop working (<see cref="RevokedSessions"/>), and the session's realtime connections are closed at the
/// service (an outbox row per session, published by the caller after its commit like any event). Only live
/// sessions are touched, so the first revocation's reason is kept.
/// </summary>
public sealed class SessionEnding(DistaHilarDbContext db, WritePipeline pipeline, RealtimeEvents events, RevokedSessions revoked, TimeProvider time)
{
    /// <summary>
    /// Ends the selected sessions in the caller's unit of work (a change in the <see cref="WritePipeline"/>, which
    /// commits and publishes) and returns how many. This instance refuses the sessions from now on; if the
    /// caller's transaction then fails, that lasts until the next refresh of <see cref="RevokedSessions"/>.
    /// </summary>
    public async Task<int> EndAsync(SessionSelection which, string reason, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var ended = await db.Database.SqlQuery<Guid>(
            $"""
            UPDATE sessions SET revoked_at = {now}, revoked_reason = {reason}
            WHERE user_id = {which.UserId} AND revoked_at IS NULL
              AND ({which.Only}::uuid IS NULL OR id = {which.Only}) AND ({which.Except}::uuid IS NULL OR id <> {which.Except})
            RETURNING id AS "Value"
            """).ToListAsync(ct);
        revoked.Add(ended);
        foreach (var session in ended)
        {
            events.CloseSessionConnections(session);
        }

        if (which is { Only: null, Except: null })
        {
            // Every session: also whatever connection the app never heard of (its connected event lost).
            events.CloseUserConnections(which.UserId);
        }

        return ended.Count;
    }

    /// <summary><see cref="EndAsync"/> as a change of its own: saved at once, and the connections closed right after.</summary>
    public async Task<int> EndNowAsync(SessionSelection which, string reason, CancellationToken ct) =>
        (await pipeline.RunAsync<int>(async () => await EndAsync(which, reason, ct), ct)).Value;
}
