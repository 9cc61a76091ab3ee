using System.Globalization;
using System.Net;

namespace DistaHilar.Bench.Scenarios;

/// <summary>
/// A change to an existing message, each request a real change with its event unless said otherwise (issue 14:
/// "edits, reactions, pins, reads … the same treatment where it pays — measure each"). Setup (not measured) registers
/// a pair of users per worker, a dialog for each pair and one message in it; worker w then changes its own message,
/// alternating between two values so every request changes something: <c>react</c> sets its reaction
/// (<c>PUT …/reactions</c>), <c>edit</c> its text (<c>PATCH …</c>), <c>pin</c> pins and unpins it (<c>PUT</c> /
/// <c>DELETE …/pin</c>). <c>read</c> moves the read pointer to the message (<c>POST …/read</c>): the sender's pointer
/// is there already, so after the first it is the statement with nothing to move, as for a client that marks what it
/// shows read again. Nobody is connected, as in <c>send</c>, which the figures compare with.
/// </summary>
internal sealed class MessageChangeScenario : IScenario, IScenarioNotes
{
    private readonly Func<Guid, Guid, int, ChangeRequest> request;
    private readonly HttpStatusCode expected;
    private RegisteredUser[] senders = [];
    private (Guid Chat, Guid Message)[] targets = [];
    private int[] counts = [];

    private MessageChangeScenario(string name, HttpStatusCode expected, Func<Guid, Guid, int, ChangeRequest> request)
    {
        Name = name;
        this.expected = expected;
        this.request = request;
    }

    public static MessageChangeScenario React { get; } = new("react", HttpStatusCode.OK, (c, m, i) => new(HttpMethod.Put, MessagePath(c, m, "/reactions"), new { emoji = i % 2 == 0 ? "👍" : "❤️" }));

    public static MessageChangeScenario Edit { get; } = new("edit", HttpStatusCode.OK, (c, m, i) => new(HttpMethod.Patch, MessagePath(c, m, ""), new { text = i % 2 == 0 ? SendScenario.Text : SendScenario.Text + " (edited)" }));

    public static MessageChangeScenario Pin { get; } = new("pin", HttpStatusCode.NoContent, (c, m, i) => new(i % 2 == 1 ? HttpMethod.Put : HttpMethod.Delete, MessagePath(c, m, "/pin"), null));

    public static MessageChangeScenario Read { get; } = new("read", HttpStatusCode.OK, (c, m, _) => new(HttpMethod.Post, new Uri(string.Create(CultureInfo.InvariantCulture, $"chats/{c}/read"), UriKind.Relative), new { upToMessageId = m }));

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
        targets = new (Guid, Guid)[context.Workers];
        counts = new int[context.Workers];
        await ChatApi.ForEachAsync("Dialogs with a message", context.Workers, async (w, token) =>
        {
            var chat = await ChatApi.RequireAsync(context.Client, users[2 * w].AccessToken, HttpMethod.Post, "chats/dialogs", new { userId = users[(2 * w) + 1].Id }, HttpStatusCode.Created, token);
            var chatId = chat.GetProperty("id").GetGuid();
            var message = await ChatApi.RequireAsync(context.Client, users[2 * w].AccessToken, HttpMethod.Post, $"chats/{chatId}/messages", new { clientMessageId = Guid.NewGuid().ToString(), text = SendScenario.Text }, HttpStatusCode.Created, token);
            targets[w] = (chatId, message.GetProperty("id").GetGuid());
        }, ct);
    }

    public async ValueTask<Outcome> ExecuteAsync(HttpClient client, int workerIndex, CancellationToken ct)
    {
        // One worker runs one request at a time, so its count needs no synchronisation.
        var (chat, message) = targets[workerIndex];
        var change = request(chat, message, ++counts[workerIndex]);
        using var response = await ChatApi.SendAsync(client, senders[workerIndex].AccessToken, change.Method, change.Path, change.Body, ct);
        return Outcome.Expect(response, expected);
    }

    private static Uri MessagePath(Guid chatId, Guid messageId, string suffix) =>
        new(string.Create(CultureInfo.InvariantCulture, $"chats/{chatId}/messages/{messageId}{suffix}"), UriKind.Relative);

    private sealed record ChangeRequest(HttpMethod Method, Uri Path, object? Body);
}
