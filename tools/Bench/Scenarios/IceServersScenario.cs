using System.Net;

namespace DistaHilar.Bench.Scenarios;

/// <summary>
/// GET api/calls/ice-servers: the cheapest authenticated request that needs no database (authentication, the
/// revoked-session check in memory, TURN credentials by HMAC), the stack's floor that a send and the one-query read
/// are compared with. One user per worker.
/// </summary>
internal sealed class IceServersScenario : IScenario, IScenarioNotes
{
    private static readonly Uri IceServers = new("calls/ice-servers", UriKind.Relative);

    private string[] tokens = [];

    public string Name => "nodb";

    public IReadOnlyDictionary<string, string> Notes { get; } = new Dictionary<string, string>
    {
        ["compare"] = "the same concurrency's me (one query) and send (one statement) against this floor of HTTP, auth and the host",
    };

    public async Task SetupAsync(BenchContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var users = await BenchUsers.RegisterManyAsync(context.Client, BenchUsers.NewRunPrefix() + "_i", context.Workers, ct);
        tokens = [.. users.Select(u => u.AccessToken)];
    }

    public async ValueTask<Outcome> ExecuteAsync(HttpClient client, int workerIndex, CancellationToken ct)
    {
        using var response = await ChatApi.SendAsync(client, tokens[workerIndex], HttpMethod.Get, IceServers, null, ct);
        return Outcome.Expect(response, HttpStatusCode.OK);
    }
}
