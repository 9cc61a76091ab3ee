using Npgsql;

namespace DistaHilar.Tests.Infrastructure;

/// <summary>Waiting until statements are blocked on a lock in PostgreSQL, to order a race for certain.</summary>
public static class LockWaiters
{
    /// <summary>Each probe on a connection of its own: pg_stat_activity is a snapshot that lasts the whole transaction.</summary>
    public static async Task WaitAsync(Dev.LocalServers servers, string query, int count, CancellationToken ct) =>
        await Eventually.True(
            async () =>
            {
                await using var connection = new NpgsqlConnection(servers.Postgres.DirectConnectionString);
                await connection.OpenAsync(ct);
                await using var probe = new NpgsqlCommand("SELECT count(DISTINCT pid) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE NOT l.granted AND a.query LIKE '%' || @query || '%'", connection);
                probe.Parameters.AddWithValue("query", query);
                return (long)(await probe.ExecuteScalarAsync(ct))! >= count;
            },
            TimeSpan.FromSeconds(20),
            $"{count} waiting for a lock in '{query}'");
}
