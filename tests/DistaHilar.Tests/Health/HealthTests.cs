using System.Net;
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
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal("""{"status":"healthy","checks":{"database":"up","storage":"up","signalr":"not-configured"}}""", body);
    }

    [Fact]
    public async Task Health_reports_signalr_up_against_a_service_that_wants_a_token_on_the_probe()
    {
        var (app, signalR) = await env.RealtimeAsync();
        using (var bare = new HttpRequestMessage(HttpMethod.Head, new Uri(signalR.Endpoint, "api/health")))
        {
            using var http = new HttpClient();
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(bare, TestContext.Current.CancellationToken)).StatusCode);
        }

        using var client = TestEnvironment.Client(app);
        using var response = await client.GetAsync("api/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"healthy","checks":{"database":"up","storage":"up","signalr":"up"}}""", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Health_only_answers_get()
    {
        using var client = TestEnvironment.Client(await env.AppAsync());

        using var response = await client.PostAsync("api/health", null, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
