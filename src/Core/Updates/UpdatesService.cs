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
/// A caller sees their own events and the events of chats they are a member of now, from when they joined: a removed
/// member gets their own member.left, not what the chat said afterwards. Of a chat deleted since, only its chat.deleted
/// is returned (logged for each member at the deletion): what it said before no longer matters.
/// </summary>
public sealed class UpdatesService(DistaHilarDbContext db, IOptions<UpdatesOptions> options, TimeProvider time)
{
    public const int DefaultLimit = 200;
    public const int MaxLimit = 500;
    private const long MaxUnixSeconds = 253_402_300_799; // 9999-12-31

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
            if (!decoded.IsSuccess || decoded.Value.T < 0 || decoded.Value.I < 0 || decoded.Value.At is < 0 or > MaxUnixSeconds)
            {
                return Problem.Validation("since", "The cursor is not valid; use nextCursor from an earlier answer.");
            }

            from = decoded.Value;
        }

        var now = time.GetUtcNow();
        if (from is null || DateTimeOffset.FromUnixTimeSeconds(from.At) < now - options.Value.Retention)
        {
            // No cursor: "start here" (the client loads its state, then follows). Too old: the same, said as a resync.
            var horizon = await db.Database.SqlQuery<long>($"SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS \"Value\"").SingleAsync(ct);
            return new UpdatesPage([], Next(horizon, 0, now), false, from is not null);
        }

        var me = caller.UserId;
        var target = me.ToString();
        var rows = await db.Database.SqlQuery<LogRow>(
            $"""
            WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
                 c AS (SELECT {from.T}::text::xid8 AS tx, {from.I}::bigint AS id)
            SELECT h.xmin::text::bigint AS "Horizon", e.id AS "Id", e.tx::text::bigint AS "Tx", e.payload::text AS "Payload"
            FROM h LEFT JOIN (
                (SELECT o.id, o.tx, o.payload FROM outbox_messages o, h, c
                 WHERE o.logged AND o.kind = {(short)OutboxKind.SendToUser} AND o.target = {target}
                   AND o.tx >= c.tx AND (o.tx, o.id) > (c.tx, c.id) AND o.tx < h.xmin
                 ORDER BY o.tx, o.id LIMIT {size + 1})
                UNION ALL
                (SELECT l.id, l.tx, l.payload FROM chat_members m CROSS JOIN LATERAL (
                    SELECT o.id, o.tx, o.payload FROM outbox_messages o, h, c
                    WHERE o.logged AND o.kind = {(short)OutboxKind.SendToGroup} AND o.chat_id = m.chat_id AND o.created_at >= m.joined_at
                      AND o.tx >= c.tx AND (o.tx, o.id) > (c.tx, c.id) AND o.tx < h.xmin
                    ORDER BY o.tx, o.id LIMIT {size + 1}) l
                 WHERE m.user_id = {me})
            ) e ON TRUE
            ORDER BY e.tx, e.id
            LIMIT {size + 1}
            """).ToListAsync(ct);

        var events = rows.Where(r => r.Id is not null).Take(size).ToList();
        var hasMore = rows.Count(r => r.Id is not null) > size;
        var items = events.Select(r => JsonDocument.Parse(r.Payload ?? "null").RootElement.Clone()).ToList();
        string next;
        if (hasMore)
        {
            // The position is still in the past: it keeps the age of the cursor the client came with.
            next = Next(events[^1].Tx!.Value, events[^1].Id!.Value, DateTimeOffset.FromUnixTimeSeconds(from.At));
        }
        else
        {
            // Everything below the horizon is seen; never move a cursor backwards.
            var horizon = rows[0].Horizon;
            next = horizon > from.T ? Next(horizon, 0, now) : Next(from.T, from.I, DateTimeOffset.FromUnixTimeSeconds(from.At));
        }

        return new UpdatesPage(items, next, hasMore, false);
    }

    private static string Next(long tx, long id, DateTimeOffset now) => Cursor.Encode(new UpdatesCursor(tx, id, now.ToUnixTimeSeconds()));

    private sealed record LogRow(long Horizon, long? Id, long? Tx, string? Payload);
}
