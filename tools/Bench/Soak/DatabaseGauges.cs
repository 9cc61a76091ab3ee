using System.Globalization;
using Npgsql;

namespace DistaHilar.Bench.Soak;

/// <summary>The database's size, the hot tables' live and dead tuples (autovacuum keeping up or not), and the outbox's backlog.</summary>
internal static class DatabaseGauges
{
    /// <summary>The tables every send, read or reaction writes.</summary>
    public static IReadOnlyList<string> HotTables { get; } = ["messages", "outbox_messages", "chat_members", "chats", "message_reactions", "rate_limit_counters"];

    public static async Task<DatabaseReading> ReadAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync(ct);
        long size;
        await using (var command = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection))
        {
            size = Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }

        var tables = new Dictionary<string, TableTuples>();
        await using (var command = new NpgsqlCommand("SELECT relname, n_live_tup, n_dead_tup FROM pg_stat_user_tables WHERE relname = ANY(@tables)", connection))
        {
            command.Parameters.AddWithValue("tables", HotTables.ToArray());
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                tables[reader.GetString(0)] = new TableTuples(reader.GetInt64(1), reader.GetInt64(2));
            }
        }

        long backlog;
        // Due and not handled: what the dispatcher has to send. Rows a request is publishing right now are not due yet.
        await using (var command = new NpgsqlCommand("SELECT count(*) FROM outbox_messages WHERE published_at IS NULL AND available_at <= now()", connection))
        {
            backlog = Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }

        return new DatabaseReading(Math.Round(size / 1048576.0, 1), tables, backlog);
    }
}

internal sealed record TableTuples(long Live, long Dead);

internal sealed record DatabaseReading(double SizeMiB, IReadOnlyDictionary<string, TableTuples> Tables, long OutboxBacklog);
