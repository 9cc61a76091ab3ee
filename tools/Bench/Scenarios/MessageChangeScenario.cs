using System.Globalization;
using System.Net;

namespace DistaHilar.Bench.Scenarios;

/// <summary>
/// A change to an existing message, each request a real change with its event (issue 14: "edits, reactions … the same
/// treatment where it pays — measure each"). Setup (not measured) registers a pair of users per worker, a dialog for
/// each pair and one message in it; worker w then changes its own message, alternating between two values so every
/// request changes something: <c>react</c> sets its reaction (<c>PUT …/reactions</c>), <c>edit</c> its text
/// (<c>PATCH …</c>). Nobody is connected, as in <c>send</c>, which the figures compare with.
/// </summary>
internal sealed class MessageChangeScenario : IScenario, IScenarioNotes
{
    private readonly HttpMethod method;
    private readonly string suffix;
    private readonly Func<int, object> body;
    private RegisteredUser[] senders = [];
    private Uri[] paths = [];
    private int[] counts = [];

    private MessageChangeScenario(string name, HttpMethod method, string suffix, Func<int, object> body)
    {
        Name = name;
        this.method = method;
        this.suffix = suffix;
        this.body = body;
    }

    public static MessageChangeScenario React { get; } = new("react", HttpMethod.Put, "/reactions", i => new { emoji = i % 2 == 0 ? "👍" : "❤️" });

    public static MessageChangeScenario Edit { get; } = new("edit", HttpMethod.Patch, "", i => new { text = i % 2 == 0 ? SendScenario.Text : SendScenario.Text + " (edited)" });

    public string Name { get; }

    public IReadOnlyDictionary<string, string> Notes { get; } = new Dictionary<string, string>
    {
        ["compare"] = "req/s against me (one query) and send (one statement) at the same concurrency, in one sitting",
    };

    public async Task SetupAsync(BenchContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var users = await BenchUsers.RegisterManyAsync(context.Client, BenchUsers.NewRunPrefix() + "_c", context.Workers * 2, ct);
        senders = [.. Enumerable.Range(0, context.Workers).Select(w => users[2 * w])];
        paths = new Uri[context.Workers];
        counts = new int[context.Workers];
        await ChatApi.ForEachAsync("Dialogs with a message", context.Workers, async (w, token) =>
        {
            var chat = await ChatApi.RequireAsync(context.Client, users[2 * w].AccessToken, HttpMethod.Post, "chats/dialogs", new { userId = users[(2 * w) + 1].Id }, HttpStatusCode.Created, token);
            var chatId = chat.GetProperty("id").GetGuid();
            var message = await ChatApi.RequireAsync(context.Client, users[2 * w].AccessToken, HttpMethod.Post, $"chats/{chatId}/messages", new { clientMessageId = Guid.NewGuid().ToString(), text = SendScenario.Text }, HttpStatusCode.Created, token);
            paths[w] = new Uri(string.Create(CultureInfo.InvariantCulture, $"chats/{chatId}/messages/{message.GetProperty("id").GetGuid()}{suffix}"), UriKind.Relative);
        }, ct);
    }

    public async ValueTask<Outcome> ExecuteAsync(HttpClient client, int workerIndex, CancellationToken ct)
    {
        // One worker runs one request at a time, so its count needs no synchronisation.
        using var response = await ChatApi.SendAsync(client, senders[workerIndex].AccessToken, method, paths[workerIndex], body(++counts[workerIndex]), ct);
        return Outcome.Expect(response, HttpStatusCode.OK);
    }
}
