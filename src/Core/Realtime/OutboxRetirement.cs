using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace DistaHilar.Core.Realtime;

/// <summary>
/// Retires the rows this instance published (its requests' and its dispatcher's), all together: while one statement
/// runs, the ids published meanwhile wait and go in the next, so under load one UPDATE (and one commit flush) serves
/// many sends instead of one per send. The writer first lingers (<see cref="SignalROptions.OutboxRetireLinger"/>) so that
/// even one send at a time shares its UPDATE with the next few: retiring is bookkeeping, which requests do not wait
/// for, due long before the dispatcher would take the rows (<see cref="SignalROptions.OutboxClaimDelay"/>). A statement that fails leaves its rows due: the
/// dispatcher sends them again (delivery is at least once, with the same event ids, which clients drop).
/// </summary>
public sealed class OutboxRetirement(NpgsqlDataSource database, IOptions<SignalROptions> options, TimeProvider time, ILogger<OutboxRetirement> log)
{
    /// <summary>Rows of the change log are marked handled, the others deleted.</summary>
    private const string Sql = """
        WITH gone AS (DELETE FROM outbox_messages WHERE id = ANY(@ids) AND NOT logged)
        UPDATE outbox_messages SET published_at = @now WHERE id = ANY(@ids) AND logged
        """;

    private readonly Lock gate = new();
    private List<long> pending = [];
    private TaskCompletionSource? next;
    private bool writing;

    /// <summary>Completes once <paramref name="ids"/> are retired (or the attempt failed and was logged); never throws.</summary>
    public Task RetireAsync(IReadOnlyCollection<long> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return Task.CompletedTask;
        }

        Task retired;
        lock (gate)
        {
            pending.AddRange(ids);
            next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            retired = next.Task;
            if (writing)
            {
                return retired;
            }

            writing = true;
        }

        // The writer's loop goes on while others keep adding rows; this caller waits only for the batch with its own.
        _ = WriteAllAsync();
        return retired;
    }

    /// <summary>Writes batch after batch until nothing is pending; one writer at a time.</summary>
    private async Task WriteAllAsync()
    {
        while (true)
        {
            if (options.Value.OutboxRetireLinger > TimeSpan.Zero)
            {
                await Task.Delay(options.Value.OutboxRetireLinger, time);
            }

            List<long> batch;
            TaskCompletionSource done;
            lock (gate)
            {
                if (pending.Count == 0)
                {
                    writing = false;
                    return;
                }

                (batch, pending, done, next) = (pending, [], next!, null);
            }

            try
            {
                await using var command = database.CreateCommand(Sql);
                command.Parameters.Add(new NpgsqlParameter<long[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. batch] });
                command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", time.GetUtcNow()));
                await command.ExecuteNonQueryAsync();
            }
            catch (Exception ex) when (ex is DbException or TimeoutException or InvalidOperationException)
            {
                log.LogWarning(ex, "Could not retire {Count} published outbox rows; the dispatcher sends them again", batch.Count);
            }

            done.SetResult();
        }
    }
}
