using System.Net;
using DistaHilar.DevHost;
using DistaHilar.Tests.Infrastructure;
using static DistaHilar.Tests.Infrastructure.CorsRequests;

namespace DistaHilar.Tests.DevHost;

/// <summary>Two sample apps: one allowing two origins with credentials, one allowing any origin without.</summary>
public sealed class DevHostCorsApps(TestEnvironment env) : IAsyncLifetime
{
    public const string Web = "http://127.0.0.1:5173";
    public const string Other = "http://web.test:8080";

    public FunctionsDevHost Listed { get; private set; } = null!;

    public FunctionsDevHost Any { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var settings = (await env.ServersAsync()).AppSettings;
        Listed = await StartAsync(settings, [Web, Other + "/"], credentials: true);
        Any = await StartAsync(settings, [HostCors.AnyOrigin], credentials: null);
    }

    public async ValueTask DisposeAsync()
    {
        if (Listed is not null)
        {
            await Listed.DisposeAsync();
        }

        if (Any is not null)
        {
            await Any.DisposeAsync();
        }
    }

    private static Task<FunctionsDevHost> StartAsync(IReadOnlyDictionary<string, string?> settings, string[] origins, bool? credentials) =>
        FunctionsDevHost.StartAsync(new DevHostOptions
        {
            AppDirectory = TestEnvironment.SampleAppDirectory,
            Settings = settings,
            ReadLocalSettings = false,
            RunNonHttpTriggers = false, // the shared sample app consumes its queues
            CorsOrigins = origins,
            CorsCredentials = credentials,
            LoggerFactory = TestEnvironment.LoggerFactory,
        });
}

/// <summary>
/// CORS as the Functions host does it (local.settings.json's Host.CORS / Host.CORSCredentials, or the options): the host
/// answers preflights itself with any requested method and headers, echoes an allowed origin with Vary: Origin, and
/// gives other origins no CORS headers while still running their requests.
/// </summary>
public sealed class DevHostCorsTests(DevHostCorsApps apps) : IClassFixture<DevHostCorsApps>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_preflight_from_an_allowed_origin_is_answered_by_the_host_with_any_method_and_headers()
    {
        using var client = TestEnvironment.Client(apps.Listed);

        // PUT is not among the function's methods: the host allows whatever is asked, the route decides later.
        using var response = await client.SendAsync(Preflight("sample/echo/1", DevHostCorsApps.Web, "PUT", "content-type, x-refresh-token-in-body"), Ct);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(DevHostCorsApps.Web, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
        Assert.Contains("PUT", Header(response, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
        Assert.Contains("x-refresh-token-in-body", Header(response, "Access-Control-Allow-Headers"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Origin", Header(response, "Vary"), StringComparison.Ordinal);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task A_preflight_from_an_origin_not_listed_gets_no_cors_headers()
    {
        using var client = TestEnvironment.Client(apps.Listed);

        using var response = await client.SendAsync(Preflight("sample/echo/1", "http://evil.test", "POST", "content-type"), Ct);

        Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData(DevHostCorsApps.Web)]
    [InlineData(DevHostCorsApps.Other)] // listed with a trailing slash
    public async Task A_request_from_an_allowed_origin_runs_and_carries_its_origin_and_credentials(string origin)
    {
        using var client = TestEnvironment.Client(apps.Listed);

        using var response = await client.SendAsync(Get("sample/echo/7", origin), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"id\":\"7\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(origin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
        Assert.Contains("Origin", Header(response, "Vary"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_from_an_origin_not_listed_still_runs_but_gets_no_cors_headers()
    {
        using var client = TestEnvironment.Client(apps.Listed);

        using var response = await client.SendAsync(Get("sample/echo/8", "http://evil.test"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"id\":\"8\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Any_origin_without_credentials_is_answered_with_a_star_and_no_credentials()
    {
        using var client = TestEnvironment.Client(apps.Any);

        using var preflight = await client.SendAsync(Preflight("sample/echo/1", "http://anywhere.test", "POST", "content-type"), Ct);
        using var request = await client.SendAsync(Get("sample/echo/2", "http://anywhere.test"), Ct);

        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal("*", Header(preflight, "Access-Control-Allow-Origin"));
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Credentials"));
        Assert.Equal(HttpStatusCode.OK, request.StatusCode);
        Assert.Equal("*", Header(request, "Access-Control-Allow-Origin"));
        Assert.False(request.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task Credentials_for_any_origin_are_refused_before_the_worker_starts()
    {
        var start = FunctionsDevHost.StartAsync(new DevHostOptions
        {
            AppDirectory = TestEnvironment.SampleAppDirectory,
            ReadLocalSettings = false,
            CorsOrigins = [HostCors.AnyOrigin],
            CorsCredentials = true,
        }, Ct);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => start);
        Assert.Contains("'*'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Local_settings_host_cors_is_read_as_func_start_reads_it_and_merged_with_the_options()
    {
        var folder = Directory.CreateTempSubdirectory("distahilar-cors-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "local.settings.json"), """
                // comments are allowed, as func start allows them
                { "Values": {}, "Host": { "CORS": "http://a.test, http://b.test/", "CORSCredentials": true } }
                """);
            var options = new DevHostOptions { AppDirectory = folder, CorsOrigins = ["http://c.test", "http://A.test"] };

            var read = HostCors.From(options, folder);
            var unread = HostCors.From(options with { ReadLocalSettings = false }, folder);
            var overridden = HostCors.From(options with { CorsCredentials = false }, folder);

            Assert.Equal(["http://a.test", "http://b.test", "http://c.test"], read.Origins);
            Assert.True(read.SupportCredentials);
            Assert.Equal(["http://c.test", "http://A.test"], unread.Origins);
            Assert.False(unread.SupportCredentials);
            Assert.False(overridden.SupportCredentials);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
