using System.Net;

namespace DistaHilar.Bench.Scenarios;

/// <summary>
/// GET api/users/me: the one-query read (authentication, the revoked-session check, one indexed SELECT by primary
/// key), the yardstick a send is compared with. One user per worker. With the started stack, setup also times the
/// per-request checks that need no database in this process (<see cref="RequestChecks"/>) and adds them to the notes.
/// </summary>
internal sealed class MeScenario : IScenario, IScenarioNotes
{
    private static readonly Uri Me = new("users/me", UriKind.Relative);

    private readonly Dictionary<string, string> notes = new()
    {
        ["compare"] = "a send's req/s (scenario send) divided by this one's at the same concurrency, in one sitting = what a write costs against a read",
    };

    private string[] tokens = [];

    public string Name => "me";

    public IReadOnlyDictionary<string, string> Notes => notes;

    public async Task SetupAsync(BenchContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var users = await BenchUsers.RegisterManyAsync(context.Client, BenchUsers.NewRunPrefix() + "_m", context.Workers, ct);
        tokens = [.. users.Select(u => u.AccessToken)];
        if (context.Database is not null)
        {
            foreach (var (name, value) in await RequestChecks.MeasureAsync(context.Database, ct))
            {
                notes[name] = value;
            }
        }
    }

    public async ValueTask<Outcome> ExecuteAsync(HttpClient client, int workerIndex, CancellationToken ct)
    {
        using var response = await ChatApi.SendAsync(client, tokens[workerIndex], HttpMethod.Get, Me, null, ct);
        return Outcome.Expect(response, HttpStatusCode.OK);
    }
}
