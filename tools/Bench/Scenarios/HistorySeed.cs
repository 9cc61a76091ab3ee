using System.Net;
using Npgsql;

namespace DistaHilar.Bench.Scenarios;

/// <summary>
/// A dialog with <see cref="Messages"/> messages for the history scenarios. Posting them through the API would take
/// many minutes, so one INSERT … SELECT FROM generate_series writes them over a direct connection, as the app would
/// have: seq 1..N with no gaps, senders alternating (the dialog's creator has the odd ones), ids UUIDv7 from the
/// send time and ordered like the seqs, a clientMessageId each, no reply, no mentions, read counts 0 (no reads were
/// applied); in the same statement the chat row takes the numbers N sends take (last_message_seq and event_seq + N,
/// last_activity_at = the last message's time) and each sender's read pointer is their own last message, as a send
/// sets it. No outbox rows: those events are long delivered in the history this stands for.
/// </summary>
internal static class HistorySeed
{
    public const int Messages = 100_000;

    // Send times are 1 µs apart, so the history spans 100 ms and must start after the dialog was made.
    private static readonly TimeSpan Span = TimeSpan.FromTicks(Messages * TimeSpan.TicksPerMicrosecond);

    /// <summary>
    /// The ids are RFC 9562 UUIDv7 with method 3's sub-millisecond precision: 48 bits of Unix milliseconds, version 7,
    /// 12 bits of the millisecond's fraction (so the 1 µs steps stay ordered within a millisecond), then the variant
    /// and random bits of a gen_random_uuid(). Mentions '{}' and read_count 0 are the app's values, not defaults.
    /// </summary>
    private const string Sql = """
        WITH chat AS (
            SELECT id, last_message_seq AS seq0, GREATEST(created_at, now() - @span) AS t0
            FROM chats WHERE id = @chat FOR UPDATE
        ),
        sent AS (
            SELECT c.id AS chat_id, c.seq0 + g AS seq, c.t0 + g * interval '1 microsecond' AS created_at,
                   CASE WHEN g % 2 = 1 THEN @creator ELSE @peer END AS sender_id
            FROM chat c, generate_series(1, @n) AS g
        ),
        inserted AS (
            INSERT INTO messages (id, chat_id, seq, sender_id, client_message_id, text, reply_to_id, mentions, created_at,
                                  read_count, edited_at, pinned_at, pinned_by, deleted_at)
            SELECT (lpad(to_hex(ms), 12, '0') || to_hex(28672 + floor((epoch_ms - ms) * 4096)::int)
                        || replace(right(gen_random_uuid()::text, 17), '-', ''))::uuid,
                   chat_id, seq, sender_id, gen_random_uuid()::text,
                   'History ' || seq || ': a message of ordinary length, about what people type into a chat in one go.',
                   NULL, '{}'::uuid[], created_at, 0, NULL, NULL, NULL, NULL
            FROM (SELECT s.*, extract(epoch FROM s.created_at) * 1000 AS epoch_ms,
                         floor(extract(epoch FROM s.created_at) * 1000)::bigint AS ms
                  FROM sent s) t
        ),
        numbered AS (
            UPDATE chats c
            SET last_message_seq = c.last_message_seq + @n, event_seq = c.event_seq + @n,
                last_activity_at = (SELECT max(created_at) FROM sent)
            WHERE c.id = @chat
        )
        UPDATE chat_members m SET read_seq = GREATEST(m.read_seq, last.seq)
        FROM (SELECT sender_id, max(seq) AS seq FROM sent GROUP BY sender_id) last
        WHERE m.chat_id = @chat AND m.user_id = last.sender_id
        """;

    /// <summary>Registers two users, makes their dialog and writes its history; the reader is the dialog's creator.</summary>
    public static async Task<SeededChat> CreateAsync(BenchContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var database = context.Database ?? throw new InvalidOperationException(
            "The history scenarios write their messages over a direct PostgreSQL connection, which only the stack the bench starts has: run them without --url.");
        var users = await BenchUsers.RegisterManyAsync(context.Client, BenchUsers.NewRunPrefix() + "_h", 2, ct);
        var (creator, peer) = (users[0], users[1]);
        var chatId = (await ChatApi.RequireAsync(context.Client, creator.AccessToken, HttpMethod.Post, "chats/dialogs", new { userId = peer.Id }, HttpStatusCode.Created, ct))
            .GetProperty("id").GetGuid();
        await Task.Delay(Span + TimeSpan.FromMilliseconds(50), ct);

        var started = TimeProvider.System.GetTimestamp();
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(ct);
        await using (var insert = new NpgsqlCommand(Sql, connection) { CommandTimeout = 300 })
        {
            insert.Parameters.AddWithValue("chat", chatId);
            insert.Parameters.AddWithValue("creator", creator.Id);
            insert.Parameters.AddWithValue("peer", peer.Id);
            insert.Parameters.AddWithValue("n", Messages);
            insert.Parameters.AddWithValue("span", Span);
            await insert.ExecuteNonQueryAsync(ct);
        }

        var inserted = TimeProvider.System.GetElapsedTime(started);

        // A chat grows to 100,000 messages over a long time, with autovacuum keeping statistics and the visibility map
        // current; right after a bulk insert neither is, and the planner would be reading about an empty table.
        await using (var vacuum = new NpgsqlCommand("VACUUM (ANALYZE) messages, chats, chat_members", connection) { CommandTimeout = 300 })
        {
            await vacuum.ExecuteNonQueryAsync(ct);
        }

        await Console.Error.WriteLineAsync(
            $"History: {Messages} messages inserted in {inserted.TotalSeconds:0.0} s, vacuumed and analysed in {(TimeProvider.System.GetElapsedTime(started) - inserted).TotalSeconds:0.0} s.");
        return new SeededChat(chatId, creator);
    }

    /// <summary>The id of the message with <paramref name="seq"/> in the chat.</summary>
    public static async Task<Guid> MessageIdAsync(string database, Guid chatId, long seq, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync(ct);
        await using var select = new NpgsqlCommand("SELECT id FROM messages WHERE chat_id = @chat AND seq = @seq", connection);
        select.Parameters.AddWithValue("chat", chatId);
        select.Parameters.AddWithValue("seq", seq);
        return (Guid)(await select.ExecuteScalarAsync(ct) ?? throw new InvalidOperationException($"No message with seq {seq}."));
    }
}

/// <param name="Reader">The dialog's creator, who reads the history in the measured requests.</param>
internal sealed record SeededChat(Guid ChatId, RegisteredUser Reader);
