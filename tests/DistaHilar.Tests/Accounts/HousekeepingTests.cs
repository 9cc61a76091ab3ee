using System.Net;
using System.Net.Http.Json;
using DistaHilar.Tests.Infrastructure;
using Npgsql;
using static DistaHilar.Tests.Accounts.AccountsApi;

namespace DistaHilar.Tests.Accounts;

public sealed class HousekeepingTests(TestEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_timer_removes_old_windows_and_long_ended_sessions_only()
    {
        using var client = await ClientAsync(env);
        var account = await RegisterAsync(client);
        var servers = await env.ServersAsync();
        await using var db = NpgsqlDataSource.Create(servers.Postgres.DirectConnectionString);
        var oldKey = "test:old:" + Guid.NewGuid();
        var freshKey = "test:fresh:" + Guid.NewGuid();
        var oldSession = Guid.NewGuid();
        await Execute(db, "INSERT INTO rate_limit_counters (key, window_start, count) VALUES ($1, now() - interval '2 days', 5), ($2, now(), 1)", oldKey, freshKey);
        await Execute(
            db,
            """
            INSERT INTO sessions (id, user_id, device, created_at, last_used_at, expires_at, revoked_at, revoked_reason)
            VALUES ($1, $2, 'old', now() - interval '90 days', now() - interval '60 days', now() + interval '1 day', now() - interval '40 days', 'logout')
            """,
            oldSession,
            account.Id);

        using var run = await client.PostAsJsonAsync("admin/functions/Housekeeping", new { input = "" }, Ct);

        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        await Eventually.True(async () => await Count(db, "SELECT count(*) FROM rate_limit_counters WHERE key = $1", oldKey) == 0, TimeSpan.FromSeconds(20), "the old window to go");
        await Eventually.True(async () => await Count(db, "SELECT count(*) FROM sessions WHERE id = $1", oldSession) == 0, TimeSpan.FromSeconds(20), "the long-ended session to go");
        Assert.Equal(1, await Count(db, "SELECT count(*) FROM rate_limit_counters WHERE key = $1", freshKey));
        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(client, account.Auth.RefreshToken)).StatusCode);
    }

    private static async Task Execute(NpgsqlDataSource db, string sql, params object[] values)
    {
        await using var command = db.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new() { Value = value });
        }

        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<long> Count(NpgsqlDataSource db, string sql, object value)
    {
        await using var command = db.CreateCommand(sql);
        command.Parameters.Add(new() { Value = value });
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
