using System.Net;
using System.Net.Http.Json;
using DistaHilar.Core.Health;
using DistaHilar.Tests.Infrastructure;

namespace DistaHilar.Tests.Health;

public sealed class HealthTests(TestEnvironment env)
{
    [Fact]
    public async Task Health_is_200_with_every_check_up()
    {
        using var client = TestEnvironment.Client(await env.AppAsync());

        using var response = await client.GetAsync("api/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<HealthReport>(TestContext.Current.CancellationToken);
        Assert.Equal(new HealthReport("healthy", new HealthChecks("up", "up", "not-configured")), report);
    }

    [Fact]
    public async Task Health_only_answers_get()
    {
        using var client = TestEnvironment.Client(await env.AppAsync());

        using var response = await client.PostAsync("api/health", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
