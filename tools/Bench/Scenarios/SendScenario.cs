using System.Globalization;
using System.Net;

namespace DistaHilar.Bench.Scenarios;

/// <summary>
/// POST api/chats/{id}/messages {clientMessageId, text}: a new message (201). Setup (not measured) registers a pair
/// of users per worker and each pair's first user makes a dialog with the second; worker w sends as that user into
/// its own dialog, so workers never wait on each other's chat row lock (a send takes it for the next seq) and the
/// levels measure the send path itself. Nobody is connected: each message.created still costs the app its outbox row
/// and one SignalR REST call, but no deliveries (send-dialog and send-group measure those).
/// </summary>
internal sealed class SendScenario : IScenario, IScenarioNotes
{
    // An ordinary message's length; the same text every time (the clientMessageId makes each send new).
    internal const string Text = "A message of ordinary length, about what people type into a chat in one go.";

    private RegisteredUser[] senders = [];
    private Uri[] paths = [];

    public string Name => "send";

    public IReadOnlyDictionary<string, string> Notes { get; } = new Dictionary<string, string>
    {
        ["goal"] = "at concurrency 32 ≥ 1,660 msg/s; peak worker RSS ≤ 200 MiB",
        ["compare"] = "req/s at 32 divided by the pgbench scenario's tps at 32 (single-row INSERTs through PgBouncer) = the share of the database's insert rate a send reaches",
    };

    public async Task SetupAsync(BenchContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = TimeProvider.System.GetTimestamp();
        var users = await BenchUsers.RegisterManyAsync(context.Client, BenchUsers.NewRunPrefix() + "_s", context.Workers * 2, ct);
        await Console.Error.WriteLineAsync($"Registered {users.Length} user(s) in {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s.");
        senders = [.. Enumerable.Range(0, context.Workers).Select(w => users[2 * w])];
        paths = new Uri[context.Workers];
        await ChatApi.ForEachAsync("Dialogs created", context.Workers, async (w, token) =>
        {
            var chat = await ChatApi.RequireAsync(context.Client, users[2 * w].AccessToken, HttpMethod.Post, "chats/dialogs", new { userId = users[(2 * w) + 1].Id }, HttpStatusCode.Created, token);
            paths[w] = new Uri(string.Create(CultureInfo.InvariantCulture, $"chats/{chat.GetProperty("id").GetGuid()}/messages"), UriKind.Relative);
        }, ct);
    }

    public async ValueTask<Outcome> ExecuteAsync(HttpClient client, int workerIndex, CancellationToken ct)
    {
        using var response = await ChatApi.SendAsync(
            client, senders[workerIndex].AccessToken, HttpMethod.Post, paths[workerIndex], new { clientMessageId = Guid.NewGuid().ToString(), text = Text }, ct);
        return Outcome.Expect(response, HttpStatusCode.Created);
    }
}
