using System.Net;
using System.Net.Http.Json;
using DistaHilar.DevHost;
using DistaHilar.Tests.Infrastructure;
using Npgsql;
using static DistaHilar.Tests.Accounts.AccountsApi;

namespace DistaHilar.Tests.Accounts;

/// <summary>Behaviour that depends on settings: apps of their own, started with those settings, on the shared database.</summary>
public sealed class ConfiguredAppTests(TestEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Raising_the_password_costs_rehashes_at_the_next_login()
    {
        var servers = await env.ServersAsync();
        using var client = await ClientAsync(env);
        var account = await RegisterAsync(client);
        Assert.Contains("$m=19456,t=2,p=1$", await StoredHashAsync(account.Id), StringComparison.Ordinal);

        await using var stronger = await StartAsync(new() { ["Passwords__Iterations"] = "3" });
        using var strongerClient = AccountsApi.Client(stronger.BaseAddress);
        using var login = await LoginAsync(strongerClient, account.Username, account.Password);

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("$m=19456,t=3,p=1$", await StoredHashAsync(account.Id), StringComparison.Ordinal);
        PrivacyRecorder.Current.LearnRefreshToken((await login.Content.ReadFromJsonAsync<AuthBody>(Json, Ct))!.RefreshToken);

        async Task<string> StoredHashAsync(Guid id)
        {
            await using var db = NpgsqlDataSource.Create(servers.Postgres.DirectConnectionString);
            await using var command = db.CreateCommand("SELECT password_hash FROM users WHERE id = $1");
            command.Parameters.Add(new() { Value = id });
            return (string)(await command.ExecuteScalarAsync(Ct))!;
        }
    }

    [Fact]
    public async Task An_idle_session_ends()
    {
        await using var app = await StartAsync(new() { ["Auth__SessionIdleTimeout"] = "00:00:02" });
        using var client = AccountsApi.Client(app.BaseAddress);
        var account = await RegisterAsync(client);

        // Not refreshed in the meantime (a refresh would use the token up, and presenting it again would end the
        // session as a replay): the session drops out of the list once idle, and then its refresh token is refused.
        await Eventually.True(
            async () =>
            {
                using var sessions = await client.SendAsync(Authorized(HttpMethod.Get, "api/auth/sessions", account.Auth.AccessToken), Ct);
                return !(await sessions.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct)).GetProperty("items").EnumerateArray().Any();
            },
            TimeSpan.FromSeconds(20),
            "the idle session to leave the session list");

        using var refresh = await RefreshAsync(client, account.Auth.RefreshToken);
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
    }

    private async Task<FunctionsDevHost> StartAsync(Dictionary<string, string?> settings)
    {
        var servers = await env.ServersAsync();
        return await TestEnvironment.StartHostAsync(
            TestEnvironment.FunctionsAppDirectory,
            TestEnvironment.With(TestEnvironment.With(servers.AppSettings, TestEnvironment.GenerousLimits), settings),
            runNonHttpTriggers: false);
    }
}
