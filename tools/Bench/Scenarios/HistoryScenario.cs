using System.Globalization;
using System.Net;
using System.Text.Json;

namespace DistaHilar.Bench.Scenarios;

/// <summary>
/// GET api/chats/{id}/messages?limit=50 of a dialog with <see cref="HistorySeed.Messages"/> messages (written by
/// <see cref="HistorySeed"/> in setup): history-newest reads the newest page (seq 100,000..99,951), history-deep the
/// page before the message with seq 10,000 (9,999..9,950: 90,000 messages back from the newest). Two scenarios, not
/// one, because a report has one latency set per level; they share the setup. Every worker reads as the same user.
/// Setup checks that each page holds exactly those messages and puts its size in the notes.
/// </summary>
internal sealed class HistoryScenario : IDatabaseScenario, IScenarioNotes
{
    private const int PageSize = 50;
    private const long DeepAnchorSeq = 10_000;

    private readonly bool deep;
    private readonly Dictionary<string, string> notes = new()
    {
        ["goal"] = "p99 ≤ 5 ms at every level; peak worker RSS ≤ 200 MiB",
    };

    private string token = "";
    private Uri page = new("health", UriKind.Relative);

    private HistoryScenario(string name, bool deep)
    {
        Name = name;
        this.deep = deep;
    }

    public static HistoryScenario Newest { get; } = new("history-newest", deep: false);

    public static HistoryScenario Deep { get; } = new("history-deep", deep: true);

    public string Name { get; }

    public IReadOnlyDictionary<string, string> Notes => notes;

    public async Task SetupAsync(BenchContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var chat = await HistorySeed.CreateAsync(context, ct);
        token = chat.Reader.AccessToken;
        var c = CultureInfo.InvariantCulture;
        var query = string.Create(c, $"chats/{chat.ChatId}/messages?limit={PageSize}");
        if (deep)
        {
            query += "&before=" + await HistorySeed.MessageIdAsync(context.Database!, chat.ChatId, DeepAnchorSeq, ct);
        }

        page = new Uri(query, UriKind.Relative);
        var newest = deep ? DeepAnchorSeq - 1 : HistorySeed.Messages;

        // One read for the notes and as a check: the measured requests must get exactly the page they are named for.
        using var response = await ChatApi.SendAsync(context.Client, token, HttpMethod.Get, page, null, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Setup: GET {page}: {(int)response.StatusCode} {response.StatusCode}");
        }

        using var json = JsonDocument.Parse(bytes);
        var seqs = json.RootElement.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()).ToArray();
        if (!seqs.SequenceEqual(Enumerable.Range(0, PageSize).Select(i => newest - i)))
        {
            throw new InvalidOperationException(
                $"Setup: GET {page} returned seqs {(seqs.Length == 0 ? "none" : $"{seqs[0]}..{seqs[^1]} ({seqs.Length})")}, expected {newest}..{newest - PageSize + 1}.");
        }

        notes["messages"] = HistorySeed.Messages.ToString(c);
        notes["page"] = string.Create(c, $"seq {seqs[0]}..{seqs[^1]} ({seqs.Length} messages, {bytes.Length} bytes)");
        notes["request"] = "GET " + page.OriginalString.Replace(chat.ChatId.ToString(), "{chatId}", StringComparison.Ordinal);
    }

    public async ValueTask<Outcome> ExecuteAsync(HttpClient client, int workerIndex, CancellationToken ct)
    {
        // SendAsync buffers the body, so the latency includes reading the whole page.
        using var response = await ChatApi.SendAsync(client, token, HttpMethod.Get, page, null, ct);
        return Outcome.Expect(response, HttpStatusCode.OK);
    }
}
