using DistaHilar.Core.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace DistaHilar.Core.Pipeline;

/// <summary>
/// Changes that are one statement of their own in autocommit: a send, a reaction, an edit or a pin (database functions),
/// a read pointer's move (a plain statement). A function locks the chat row, checks, writes, numbers and writes its
/// outbox row, so the row is locked only while it runs and the change costs one round trip (an edit or a pin: one read
/// before it); what it wrote is published with <see cref="WritePipeline.PublishWrittenAsync"/>. Functions where planning costs: a function's
/// plans are cached per server connection, which survives PgBouncer's transaction pooling, where prepared statements
/// do not.
/// </summary>
public static class ChatStatements
{
    /// <summary>Runs <paramref name="sql"/> on the context's connection, outside any transaction, and reads what it returns.</summary>
    public static async Task<T> RunStatementAsync<T>(this DistaHilarDbContext db, string sql, Action<NpgsqlParameterCollection> parameters, Func<NpgsqlDataReader, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(read);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)db.Database.GetDbConnection());
            parameters(command.Parameters);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await read(reader, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// The outbox row a statement writes, prepared by <see cref="Realtime.RealtimeEvents.PrepareToChat"/>:
    /// <c>@kind, @target, @event, @payload, @created_at, @available_at, @published_at</c>.
    /// </summary>
    public static void AddOutboxRow(this NpgsqlParameterCollection p, OutboxMessage row)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(row);
        p.Add(new NpgsqlParameter<short>("kind", (short)row.Kind));
        p.Add(new NpgsqlParameter<string>("target", row.Target));
        p.Add(new NpgsqlParameter<string>("event", row.Event!));
        p.Add(new NpgsqlParameter<string>("payload", NpgsqlDbType.Jsonb) { TypedValue = row.Payload! });
        p.Add(new NpgsqlParameter<DateTimeOffset>("created_at", row.CreatedAt));
        p.Add(new NpgsqlParameter<DateTimeOffset>("available_at", row.AvailableAt));
        p.Add(new NpgsqlParameter("published_at", NpgsqlDbType.TimestampTz) { Value = (object?)row.PublishedAt ?? DBNull.Value });
    }
}
