using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using DistaHilar.Core.Health;
using DistaHilar.Dev;
using DistaHilar.Tests.Infrastructure;

namespace DistaHilar.Tests.Health;

/// <summary>Stops the database under a running app, so it uses servers of its own.</summary>
public sealed class HealthOutageTests
{
    [Fact]
    public async Task Health_goes_503_within_5_s_when_PostgreSQL_stops_and_recovers_when_it_restarts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var servers = await LocalServers.StartAsync(TestEnvironment.LoggerFactory, ct);
        await using var app = await TestEnvironment.StartHostAsync(TestEnvironment.FunctionsAppDirectory, servers.AppSettings);
        using var client = TestEnvironment.Client(app);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/health", ct)).StatusCode);
        var account = await Accounts.AccountsApi.RegisterAsync(client);

        await servers.Postgres.StopAsync(ct);
        var stopped = Stopwatch.StartNew();
        using var down = await client.GetAsync("api/health", ct);

        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(5), $"the 503 took {stopped.Elapsed}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.True(down.Headers.RetryAfter?.Delta > TimeSpan.Zero, "503 carries Retry-After");
        var report = await down.Content.ReadFromJsonAsync<HealthReport>(ct);
        Assert.Equal(new HealthReport("unhealthy", new HealthChecks("down", "up", "not-configured")), report);

        // Any other route that needs the database answers 503 with Retry-After too, never a 500.
        using var me = await client.SendAsync(Accounts.AccountsApi.Authorized(HttpMethod.Get, "api/users/me", account.Auth.AccessToken), ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, me.StatusCode);
        Assert.True(me.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("application/problem+json", me.Content.Headers.ContentType?.MediaType);

        await servers.Postgres.RestartAsync(ct);
        await Eventually.True(
            async () => (await client.GetAsync("api/health", ct)).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30),
            "health to be 200 again after PostgreSQL restarted");
    }
}
