using Npgsql;

namespace DistaHilar.Tests.Infrastructure;

/// <summary>
/// A transaction on a direct connection that holds a chat's row (FOR UPDATE), and may already have removed a member
/// in it or run a statement of its own (<c>then</c>): a change of the app's that needs the row waits until
/// <see cref="CommitAsync"/>, so a race is ordered for certain.
/// </summary>
public sealed class ChatRowHold : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;
    private readonly NpgsqlTransaction transaction;

    private ChatRowHold(NpgsqlConnection connection, NpgsqlTransaction transaction) => (this.connection, this.transaction) = (connection, transaction);

    public static async Task<ChatRowHold> StartAsync(Dev.LocalServers servers, Guid chatId, CancellationToken ct, Guid? removing = null, string? then = null)
    {
        var connection = new NpgsqlConnection(servers.Postgres.DirectConnectionString);
        await connection.OpenAsync(ct);
        var transaction = await connection.BeginTransactionAsync(ct);
        var sql = $"SELECT 1 FROM chats WHERE id = '{chatId}' FOR UPDATE"
            + (removing is { } member ? $"; DELETE FROM chat_members WHERE chat_id = '{chatId}' AND user_id = '{member}'" : "")
            + (then is null ? "" : "; " + then);
        await using (var command = new NpgsqlCommand(sql, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(ct);
        }

        return new ChatRowHold(connection, transaction);
    }

    /// <summary>Runs another statement while the row is still held (e.g. what a send does next under the lock).</summary>
    public async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }

    public Task CommitAsync(CancellationToken ct) => transaction.CommitAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }
}
