using Npgsql;
using NpgsqlTypes;

namespace DistaHilar.Core.RateLimiting;

/// <summary>One limit to check: <paramref name="Counted"/> false only reads the window (e.g. failures counted later).</summary>
public readonly record struct RateLimit(string Key, int Limit, bool Counted = true);

/// <summary>
/// Fixed-window counters in PostgreSQL, so a limit holds across every function instance. Each hit is one upsert
/// that also rolls the window over, so there is no read-then-write race and no cleanup on the hot path.
/// </summary>
public sealed class RateLimiter(NpgsqlDataSource database, TimeProvider time)
{
    internal const string Upsert = """
        INSERT INTO rate_limit_counters (key, window_start, count) VALUES ($1, $2, $4)
        ON CONFLICT (key) DO UPDATE SET
          window_start = CASE WHEN rate_limit_counters.window_start <= $2 - $3 THEN $2 ELSE rate_limit_counters.window_start END,
          count = CASE WHEN rate_limit_counters.window_start <= $2 - $3 THEN $4 ELSE rate_limit_counters.count + $4 END
        RETURNING window_start, count
        """;

    /// <summary>
    /// Counts one attempt against each counted limit, reads the others, all in one round trip, and returns how long
    /// until the most exceeded limit frees up, or null when every one is within its limit.
    /// </summary>
    public async Task<TimeSpan?> CheckAsync(IReadOnlyList<RateLimit> limits, TimeSpan window, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var batch = database.CreateBatch();
        foreach (var (key, _, counted) in limits)
        {
            var command = new NpgsqlBatchCommand(Upsert);
            command.Parameters.Add(new NpgsqlParameter { Value = key });
            command.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter { Value = window, NpgsqlDbType = NpgsqlDbType.Interval });
            command.Parameters.Add(new NpgsqlParameter { Value = counted ? 1 : 0 });
            batch.BatchCommands.Add(command);
        }

        TimeSpan? retryAfter = null;
        await using var reader = await batch.ExecuteReaderAsync(ct);
        foreach (var (_, limit, counted) in limits)
        {
            await reader.ReadAsync(ct);
            var windowStart = reader.GetFieldValue<DateTimeOffset>(0);
            var count = reader.GetInt32(1);
            // Counting: the attempt that reaches the limit is still allowed. Reading: the limit is already used up.
            var exceeded = counted ? count > limit : count >= limit;
            if (exceeded)
            {
                var wait = windowStart + window - now;
                retryAfter = retryAfter is null || wait > retryAfter ? wait : retryAfter;
            }

            await reader.NextResultAsync(ct);
        }

        return retryAfter is { } r && r < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : retryAfter;
    }
}
