using System.Globalization;
using System.Net;

namespace DistaHilar.Bench.Scenarios;

/// <summary>
/// POST api/chats/dialogs {userId}: a new dialog between two users who have none (201). Setup (not measured)
/// registers <see cref="Users"/> users; pair k is the k-th (i, j), i &lt; j, with i the caller, and worker w takes
/// pairs w, w + W, w + 2W, ... (W workers), so no pair is asked for twice.
/// </summary>
internal sealed class DialogScenario : IScenario
{
    private const int Users = 120;

    /// <summary>POST api/chats/dialogs, relative to the API base.</summary>
    internal static readonly Uri Dialogs = new("chats/dialogs", UriKind.Relative);

    private RegisteredUser[] users = [];
    private (int Caller, int Peer)[] pairs = [];
    private int workers;

    // Per worker, touched only by that worker: how many pairs it has used (warm-up and levels included).
    private long[] used = [];

    public string Name => "dialog";

    public async Task SetupAsync(BenchContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = TimeProvider.System.GetTimestamp();
        users = await BenchUsers.RegisterManyAsync(context.Client, BenchUsers.NewRunPrefix() + "_d", Users, ct);
        await Console.Error.WriteLineAsync($"Registered {users.Length} user(s) in {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s.");
        pairs = [.. Enumerable.Range(0, Users).SelectMany(i => Enumerable.Range(i + 1, Users - i - 1).Select(j => (i, j)))];
        workers = context.Workers;
        used = new long[workers];
    }

    public async ValueTask<Outcome> ExecuteAsync(HttpClient client, int workerIndex, CancellationToken ct)
    {
        var k = workerIndex + (used[workerIndex]++ * workers);
        if (k >= pairs.Length)
        {
            return Outcome.Failure(string.Create(CultureInfo.InvariantCulture, $"All {pairs.Length} user pairs are used: the run outlasted the setup."));
        }

        var (caller, peer) = pairs[k];
        using var response = await ChatApi.SendAsync(
            client, users[caller].AccessToken, HttpMethod.Post, Dialogs, new { userId = users[peer].Id }, ct);
        return Outcome.Expect(response, HttpStatusCode.Created);
    }
}

/// <summary>
/// POST api/chats/dialogs {userId} for a dialog that already exists (200, the idempotent repeat). Setup registers
/// one user per worker plus a peer, and each worker's user creates its dialog with the peer once.
/// </summary>
internal sealed class DialogRepeatScenario : IScenario
{
    private RegisteredUser[] users = [];
    private object[] bodies = [];

    public string Name => "dialog-repeat";

    public async Task SetupAsync(BenchContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var all = await BenchUsers.RegisterManyAsync(context.Client, BenchUsers.NewRunPrefix() + "_r", context.Workers + 1, ct);
        users = all[1..];
        bodies = [.. users.Select(_ => (object)new { userId = all[0].Id })];
        foreach (var user in users)
        {
            await ChatApi.RequireAsync(context.Client, user.AccessToken, HttpMethod.Post, "chats/dialogs", new { userId = all[0].Id }, HttpStatusCode.Created, ct);
        }
    }

    public async ValueTask<Outcome> ExecuteAsync(HttpClient client, int workerIndex, CancellationToken ct)
    {
        using var response = await ChatApi.SendAsync(client, users[workerIndex].AccessToken, HttpMethod.Post, DialogScenario.Dialogs, bodies[workerIndex], ct);
        return Outcome.Expect(response, HttpStatusCode.OK);
    }
}
