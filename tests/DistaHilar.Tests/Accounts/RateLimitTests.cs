using System.Net;
using DistaHilar.DevHost;
using DistaHilar.Tests.Infrastructure;
using static DistaHilar.Tests.Accounts.AccountsApi;

namespace DistaHilar.Tests.Accounts;

/// <summary>
/// Runs an app of its own with tiny limits and a short window, so the limits trigger and release within a test.
/// The window is long enough that a loaded machine still makes every attempt of a test inside one window.
/// </summary>
public sealed class RateLimitTests(TestEnvironment env) : LimitedAppTest(env, Window)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Failed_logins_per_account_hit_429_with_Retry_After_then_release()
    {
        using var client = AccountsApi.Client(App.BaseAddress);
        var account = await RegisterAsync(client);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(client, account.Username, "wrong password " + i)).StatusCode);
        }

        using var limited = await LoginAsync(client, account.Username, account.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.InRange(limited.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), Window);
        await ProblemAsync(limited);

        // Another account from the same address is not affected.
        var other = await RegisterAsync(client);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, other.Username, other.Password)).StatusCode);

        await Eventually.True(
            async () => (await LoginAsync(client, account.Username, account.Password)).StatusCode == HttpStatusCode.OK,
            Window * 4,
            "the account's window to end and the correct password to work again");
    }
}

/// <summary>Registration limits: a long window, since this test only needs them to trigger.</summary>
public sealed class RegistrationLimitTests(TestEnvironment env) : LimitedAppTest(env, TimeSpan.FromMinutes(10))
{
    [Fact]
    public async Task Registrations_per_email_are_limited()
    {
        using var client = AccountsApi.Client(App.BaseAddress);
        var email = NewUsername() + "@example.test";
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            // Usernames invalid on purpose after the first: attempts count whatever their outcome.
            using var response = await client.PostAsync("api/auth/register", System.Net.Http.Json.JsonContent.Create(new { username = NewUsername(), email, password = "a fine password", name = "Limit" }), Ct);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict, HttpStatusCode.TooManyRequests], statuses);
    }
}

/// <summary>
/// Each test gets an app of its own with tiny limits, so the limits trigger within a test and other tests (which all
/// call from 127.0.0.1) are never throttled.
/// </summary>
public abstract class LimitedAppTest(TestEnvironment env, TimeSpan window) : IAsyncLifetime
{
    private FunctionsDevHost? app;

    protected FunctionsDevHost App => app ?? throw new InvalidOperationException("Not started.");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var servers = await env.ServersAsync();
        app = await TestEnvironment.StartHostAsync(TestEnvironment.FunctionsAppDirectory, TestEnvironment.With(servers.AppSettings, new Dictionary<string, string?>
        {
            ["RateLimits__Window"] = window.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["RateLimits__LoginFailuresPerAccount"] = "3",
            // Failures count per account and address: from this one address the fourth try waits the whole window.
            ["RateLimits__LoginFailuresPerAddress"] = "3",
            ["RateLimits__LoginBackoff"] = window.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["RateLimits__LoginsPerIp"] = "100000",
            ["RateLimits__RegistrationsPerIp"] = "100000",
            ["RateLimits__RegistrationsPerEmail"] = "2",
        }));
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
