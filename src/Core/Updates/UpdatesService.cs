using System.Text.Json;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Updates;

/// <summary>
/// Catch-up after a client was offline: the lasting events it would have received live, read back from the realtime
/// outbox, whose rows stay as a change log after they are published (<see cref="OutboxMessage.Logged"/>).
/// <para>
/// Row ids are not a safe cursor: ids are taken when rows are written, transactions commit in another order, so a
/// reader could pass an id whose row commits later. Each row therefore records its writing transaction's id
/// (<c>tx xid8</c>), and a read returns only rows of transactions older than its snapshot's xmin — every one of
/// those has ended, and every transaction that commits later has an id at or above that xmin. Ordered by (tx, id),
/// the log only grows after a cursor, never before it. A long transaction delays what is readable, never loses it.
/// </para>
/// <para>
/// A starting cursor is the whole snapshot, not only its xmin: rows of transactions between xmin and xmax that had
/// committed when the client loaded its state are marked seen (<see cref="UpdatesCursor.X"/>, <see cref="UpdatesCursor.P"/>),
/// so another client's open transaction cannot make the log replay what the client's state already holds.
/// </para>
/// A caller sees their own events and the events of chats they are a member of now, from when they joined: a removed
/// member gets their own member.left, not what the chat said afterwards. Of a chat deleted since, only its chat.deleted
/// is returned (logged for each member at the deletion): what it said before no longer matters.
/// </summary>
public sealed class UpdatesService(DistaHilarDbContext db, IOptions<UpdatesOptions> options, TimeProvider time)
{
    public const int DefaultLimit = 200;
    public const int MaxLimit = 500;
    private const long MaxUnixSeconds = 253_402_300_799; // 9999-12-31

    /// <summary>
    /// More transactions in progress than this at a start, and the cursor keeps only xmin: the log may then replay a
    /// few events the client's state already holds (same eventIds, dropped as usual), but the cursor stays short.
    /// </summary>
    public const int MaxInProgress = 64;

    public async Task<Result<UpdatesPage>> GetAsync(Caller caller, string? since, string? limit, CancellationToken ct)
    {
        if (!PageRequest.TryParseLimit(limit, DefaultLimit, MaxLimit, out var size))
        {
            return Problem.Validation("limit", PageRequest.LimitMessage(MaxLimit));
        }

        UpdatesCursor? from = null;
        if (!string.IsNullOrEmpty(since))
        {
            var decoded = Cursor.Decode<UpdatesCursor>(since);
            if (!decoded.IsSuccess || !decoded.Value.IsValid(MaxUnixSeconds, MaxInProgress))
            {
                return Problem.Validation("since", "The cursor is not valid; use nextCursor from an earlier answer.");
            }

            from = decoded.Value;
        }

        var now = time.GetUtcNow();
        if (from is null || DateTimeOffset.FromUnixTimeSeconds(from.At) < now - options.Value.Retention)
        {
            // No cursor: "start here" (the client loads its state, then follows). Too old: the same, said as a resync.
            var snapshot = await db.Database.SqlQuery<Snapshot>(
                $"""
                SELECT pg_snapshot_xmin(s)::text::bigint AS min, pg_snapshot_xmax(s)::text::bigint AS max,
                       ARRAY(SELECT x::text::bigint FROM pg_snapshot_xip(s) x) AS in_progress
                FROM pg_current_snapshot() s
                """).SingleAsync(ct);
            var start = snapshot.Max > snapshot.Min && snapshot.InProgress.Length <= MaxInProgress
                ? new UpdatesCursor(snapshot.Min, 0, now.ToUnixTimeSeconds(), snapshot.Max, snapshot.InProgress)
                : new UpdatesCursor(snapshot.Min, 0, now.ToUnixTimeSeconds());
            return new UpdatesPage([], Cursor.Encode(start), false, from is not null);
        }

        var me = caller.UserId;
        var target = me.ToString();
        var rows = await db.Database.SqlQuery<LogRow>(
            $"""
            WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
                 c AS (SELECT {from.T}::text::xid8 AS tx, {from.I}::bigint AS id, {from.X}::text::xid8 AS seen_below, {from.P ?? []}::bigint[] AS open)
            SELECT h.xmin::text::bigint AS "Horizon", e.id AS "Id", e.tx::text::bigint AS "Tx", e.payload::text AS "Payload"
            FROM h LEFT JOIN (
                (SELECT o.id, o.tx, o.payload FROM outbox_messages o, h, c
                 WHERE o.logged AND o.kind = {(short)OutboxKind.SendToUser} AND o.target = {target}
                   AND o.tx >= c.tx AND (o.tx, o.id) > (c.tx, c.id) AND o.tx < h.xmin
                   AND NOT (o.tx < c.seen_below AND o.tx::text::bigint <> ALL(c.open))
                 ORDER BY o.tx, o.id LIMIT {size + 1})
                UNION ALL
                (SELECT l.id, l.tx, l.payload FROM chat_members m CROSS JOIN LATERAL (
                    SELECT o.id, o.tx, o.payload FROM outbox_messages o, h, c
                    WHERE o.logged AND o.kind = {(short)OutboxKind.SendToGroup} AND o.chat_id = m.chat_id AND o.created_at >= m.joined_at
                      AND o.tx >= c.tx AND (o.tx, o.id) > (c.tx, c.id) AND o.tx < h.xmin
                      AND NOT (o.tx < c.seen_below AND o.tx::text::bigint <> ALL(c.open))
                    ORDER BY o.tx, o.id LIMIT {size + 1}) l
                 WHERE m.user_id = {me})
            ) e ON TRUE
            ORDER BY e.tx, e.id
            LIMIT {size + 1}
            """).ToListAsync(ct);

        var events = rows.Where(r => r.Id is not null).Take(size).ToList();
        var hasMore = rows.Count(r => r.Id is not null) > size;
        var items = events.Select(r => JsonDocument.Parse(r.Payload ?? "null").RootElement.Clone()).ToList();
        UpdatesCursor next;
        if (hasMore)
        {
            // The position is still in the past: it keeps the age of the cursor the client came with.
            next = from.MovedTo(events[^1].Tx!.Value, events[^1].Id!.Value, from.At);
        }
        else
        {
            // Everything below the horizon is seen; never move a cursor backwards.
            var horizon = rows[0].Horizon;
            next = horizon > from.T ? from.MovedTo(horizon, 0, now.ToUnixTimeSeconds()) : from;
        }

        return new UpdatesPage(items, Cursor.Encode(next), hasMore, false);
    }

    private sealed record LogRow(long Horizon, long? Id, long? Tx, string? Payload);

    private sealed record Snapshot(long Min, long Max, long[] InProgress);
}
