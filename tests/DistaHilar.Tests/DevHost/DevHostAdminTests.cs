using System.Net;
using System.Net.Http.Json;
using Azure.Storage.Blobs;
using DistaHilar.Tests.Infrastructure;

namespace DistaHilar.Tests.DevHost;

public sealed class DevHostAdminTests(TestEnvironment env)
{
    [Fact]
    public async Task Admin_api_runs_a_timer_function_once()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = TestEnvironment.Client(await env.SampleAppAsync());
        var blobs = new BlobContainerClient((await env.ServersAsync()).Azurite.ConnectionString, "devhost-sample");
        await blobs.CreateIfNotExistsAsync(cancellationToken: ct);
        var before = await CountTimerRuns(blobs);

        using var response = await client.PostAsJsonAsync("admin/functions/Tick", new { input = "" }, ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.Returns(() => CountTimerRuns(blobs), n => n == before + 1, TimeSpan.FromSeconds(20), "the timer function to run");
    }

    [Theory]
    [InlineData("NoSuchFunction", HttpStatusCode.NotFound)]
    [InlineData("Echo", HttpStatusCode.BadRequest)]
    public async Task Admin_api_refuses_unknown_and_http_functions(string name, HttpStatusCode expected)
    {
        using var client = TestEnvironment.Client(await env.SampleAppAsync());

        using var response = await client.PostAsJsonAsync($"admin/functions/{name}", new { input = "" }, TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
    }

    private static async Task<int> CountTimerRuns(BlobContainerClient blobs)
    {
        var count = 0;
        await foreach (var _ in blobs.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "timer/", cancellationToken: TestContext.Current.CancellationToken))
        {
            count++;
        }

        return count;
    }
}
