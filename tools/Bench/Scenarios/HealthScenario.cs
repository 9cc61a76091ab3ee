using System.Net;

namespace DistaHilar.Bench.Scenarios;

/// <summary>GET api/health: the app's floor (one SELECT 1 through PgBouncer plus two Azurite property reads).</summary>
internal sealed class HealthScenario : IScenario
{
    private static readonly Uri Health = new("health", UriKind.Relative);

    public string Name => "health";

    public Task SetupAsync(BenchContext context, CancellationToken ct) => Task.CompletedTask;

    public async ValueTask<Outcome> ExecuteAsync(HttpClient client, int workerIndex, CancellationToken ct)
    {
        // GetAsync buffers the body, so the latency includes reading the whole response.
        using var response = await client.GetAsync(Health, ct);
        return Outcome.Expect(response, HttpStatusCode.OK);
    }
}
