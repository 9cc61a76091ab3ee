using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace DistaHilar.Bench.Scenarios;

/// <summary>
/// POST api/chats/{id}/messages into one busy chat: every worker is a member of the same group and sends into it, so
/// the sends contend for the one chat row (its message and event numbers); every member is connected with the
/// official SignalR client, and each receipt of <c>message.created</c> is timed from just before its POST. The
/// delivery figures per level (in the notes) include the level's warm-up. The clients live as long as the bench process.
/// </summary>
internal sealed class SendHotScenario : IScenario, IScenarioNotes, ILevelSettling
{
    private readonly ConcurrentDictionary<string, long> sentAt = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> notes = new()
    {
        ["goal"] = "req/s at 32 ≥ 50 % of scenario me's at 32 (aim 80 %); peak worker RSS ≤ 200 MiB",
    };

    private ConcurrentQueue<long> receipts = new();
    private RegisteredUser[] members = [];
    private HubConnection[] clients = [];
    private Uri path = new("chats", UriKind.Relative);
    private int level;
    private int disconnects;

    public string Name => "send-hot";

    public IReadOnlyDictionary<string, string> Notes => notes;

    public async Task SetupAsync(BenchContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        members = await BenchUsers.RegisterManyAsync(context.Client, BenchUsers.NewRunPrefix() + "_h", Math.Max(context.Workers, 2), ct);
        var chatId = await ChatApi.CreateGroupAsync(context.Client, members[0], "hot", [.. members.Skip(1).Select(m => m.Id)], ct);
        path = new Uri(string.Create(CultureInfo.InvariantCulture, $"chats/{chatId}/messages"), UriKind.Relative);
        var hub = new Uri(context.Api.AbsoluteUri.TrimEnd('/'));
        clients = [.. members.Select(member => Connect(hub, member.AccessToken))];
        await Parallel.ForEachAsync(clients, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (client, token) => await client.StartAsync(token));
        notes["members"] = string.Create(CultureInfo.InvariantCulture, $"{members.Length}, all connected; worker w sends as member w");
    }

    public async ValueTask<Outcome> ExecuteAsync(HttpClient client, int workerIndex, CancellationToken ct)
    {
        var id = Guid.NewGuid().ToString();
        sentAt[id] = Stopwatch.GetTimestamp();
        using var response = await ChatApi.SendAsync(client, members[workerIndex].AccessToken, HttpMethod.Post, path, new { clientMessageId = id, text = SendScenario.Text }, ct);
        return Outcome.Expect(response, HttpStatusCode.Created);
    }

    public async Task AfterLevelAsync(CancellationToken ct)
    {
        // Let the level's last events arrive, then read its receipts.
        var count = -1;
        while (count != receipts.Count)
        {
            count = receipts.Count;
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }

        var latencies = Interlocked.Exchange(ref receipts, new ConcurrentQueue<long>()).Order().ToArray();
        var delivery = LatencyMs.FromSorted(latencies);
        level++;
        notes[string.Create(CultureInfo.InvariantCulture, $"delivery, level {level}")] = latencies.Length == 0
            ? "none received"
            : string.Create(CultureInfo.InvariantCulture, $"{latencies.Length} receipts, POST → each member's client p50 {delivery.P50:0.0} / p95 {delivery.P95:0.0} / p99 {delivery.P99:0.0} ms; disconnects {Volatile.Read(ref disconnects)}");
    }

    private HubConnection Connect(Uri hub, string token)
    {
        var connection = new HubConnectionBuilder().WithUrl(hub, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token)).Build();
        connection.On<JsonElement>("message.created", envelope =>
        {
            var at = Stopwatch.GetTimestamp();
            if (envelope.GetProperty("data").GetProperty("clientMessageId").GetString() is { } id && sentAt.TryGetValue(id, out var sent))
            {
                receipts.Enqueue(at - sent);
            }
        });
        connection.Closed += _ =>
        {
            Interlocked.Increment(ref disconnects);
            return Task.CompletedTask;
        };
        return connection;
    }
}
