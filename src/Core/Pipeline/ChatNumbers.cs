using DistaHilar.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace DistaHilar.Core.Pipeline;

/// <summary>A chat's numbers (event seq, message seq, member count), taken in the chat row's lock inside a transaction.</summary>
public static class ChatNumbers
{
    /// <summary>
    /// Locks the chat row for the caller's transaction (FOR NO KEY UPDATE: rows that merely reference the chat can
    /// still be inserted), so changes to one chat run one after the other.
    /// </summary>
    public static Task LockChatAsync(this DistaHilarDbContext db, Guid chatId, CancellationToken ct) =>
        db.Database.SqlQuery<int>($"SELECT 1 AS \"Value\" FROM chats WHERE id = {chatId} FOR NO KEY UPDATE").ToListAsync(ct);

    /// <summary>
    /// Takes the chat's next event sequence number and moves its member count by <paramref name="memberDelta"/>, in one
    /// statement inside the caller's transaction. The row stays locked until the commit, so numbers are given out in
    /// commit order with no gaps or duplicates, and concurrent joins never lose a count.
    /// </summary>
    public static async Task<(long Seq, int MemberCount)> NextSeqAsync(this DistaHilarDbContext db, Guid chatId, int memberDelta, CancellationToken ct)
    {
        var (seq, count) = await db.UpdateChatAsync(
            chatId,
            "UPDATE chats SET event_seq = event_seq + 1, member_count = member_count + @value WHERE id = @id RETURNING event_seq, member_count",
            memberDelta,
            ct);
        return (seq, (int)count);
    }

    /// <summary>
    /// Changes a channel's member count without taking an event number: a channel's membership events go only to
    /// its staff and the member concerned (subscribers do not learn who else subscribes), so they carry no chat
    /// <c>seq</c> — one would be a gap for everyone else. Returns the current event seq and the new count.
    /// </summary>
    public static async Task<(long Seq, int MemberCount)> CountMembersAsync(this DistaHilarDbContext db, Guid chatId, int memberDelta, CancellationToken ct)
    {
        var (seq, count) = await db.UpdateChatAsync(
            chatId,
            "UPDATE chats SET member_count = member_count + @value WHERE id = @id RETURNING event_seq, member_count",
            memberDelta,
            ct);
        return (seq, (int)count);
    }

    /// <summary>
    /// A send's (or forward's) one statement before its insert: takes the chat's next <paramref name="count"/> message
    /// and event numbers and its activity time (locking the chat row, so numbers follow commit order, as
    /// <see cref="NextSeqAsync"/>), and moves the sender's read pointer to the last new message (my own messages are
    /// read by me). Updating the member row after the chat lock doubles as the permission check: a member removed
    /// while this waited for the lock has no row left to update (a snapshot read would still see them), and the row
    /// returned carries the current role. Returns the last numbers (the batch is <c>Seq - count + 1 … Seq</c>), or
    /// null when the caller may not post; then the caller rolls the numbers back.
    /// </summary>
    public static async Task<(long Seq, long EventSeq, ChatType Type)?> TakeMessageNumbersAsync(this DistaHilarDbContext db, Guid chatId, Guid userId, int count, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction() ?? throw new InvalidOperationException("Message numbers are taken inside a transaction.");
        command.CommandText = """
            WITH c AS (
                UPDATE chats SET last_message_seq = last_message_seq + @count, event_seq = event_seq + @count, last_activity_at = @now
                WHERE id = @chat RETURNING last_message_seq, event_seq, type),
            r AS (
                UPDATE chat_members SET read_seq = (SELECT last_message_seq FROM c)
                WHERE chat_id = @chat AND user_id = @user RETURNING role)
            SELECT c.last_message_seq, c.event_seq, c.type, r.role FROM c LEFT JOIN r ON TRUE
            """;
        command.Parameters.Add(new NpgsqlParameter("count", count));
        command.Parameters.Add(new NpgsqlParameter("now", now));
        command.Parameters.Add(new NpgsqlParameter("chat", chatId));
        command.Parameters.Add(new NpgsqlParameter("user", userId));
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct) || await reader.IsDBNullAsync(3, ct))
        {
            return null;
        }

        var type = (ChatType)reader.GetInt16(2);
        var role = (ChatRole)reader.GetInt16(3);
        return ChatRules.CanPost(type, role) ? (reader.GetInt64(0), reader.GetInt64(1), type) : null;
    }

    /// <summary>Runs an UPDATE … RETURNING of two numbers on the chat row, inside the caller's transaction.</summary>
    private static async Task<(long First, long Second)> UpdateChatAsync(this DistaHilarDbContext db, Guid chatId, string sql, object value, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction() ?? throw new InvalidOperationException("Chat numbers are taken inside a transaction.");
        command.CommandText = sql;
        command.Parameters.Add(new NpgsqlParameter("value", value));
        command.Parameters.Add(new NpgsqlParameter("id", chatId));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? (Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture))
            : throw new InvalidOperationException($"Chat {chatId} is gone.");
    }
}
