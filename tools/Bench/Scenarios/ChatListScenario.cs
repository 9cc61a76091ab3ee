using System.Globalization;
using System.Net;
using System.Text.Json;

namespace DistaHilar.Bench.Scenarios;

/// <summary>
/// GET api/chats?limit=50, the first page of the chat list of a user in <see cref="Chats"/> groups with
/// <see cref="MessagesPerChat"/> messages each. Setup (not measured) registers the user and one other member, the
/// user creates every group with the other as member, and the messages are sent 8 at a time: in even chats by the
/// user (read), in odd ones by the other member (unread for the user). Every worker reads as the same user.
/// The response size of the page is kept in the report's notes.
/// </summary>
internal sealed class ChatListScenario : IScenario, IScenarioNotes
{
    private const int Chats = 200;
    private const int MessagesPerChat = 50;
    private const int PageSize = 50;

    private static readonly Uri FirstPage = new(string.Create(CultureInfo.InvariantCulture, $"chats?limit={PageSize}"), UriKind.Relative);

    private string token = "";

    // Per worker: the smallest and largest page it read, in bytes.
    private long[] smallest = [];
    private long[] largest = [];
    private readonly Dictionary<string, string> notes = [];

    public string Name => "chatlist";

    public IReadOnlyDictionary<string, string> Notes
    {
        get
        {
            var read = largest.Where(b => b > 0).ToArray();
            if (read.Length > 0)
            {
                notes["measuredPageBytes"] = string.Create(CultureInfo.InvariantCulture, $"{smallest.Where(b => b < long.MaxValue).Min()}..{read.Max()}");
            }

            return notes;
        }
    }

    public async Task SetupAsync(BenchContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var client = context.Client;
        var users = await BenchUsers.RegisterManyAsync(client, BenchUsers.NewRunPrefix() + "_c", 2, ct);
        var (me, other) = (users[0], users[1]);
        token = me.AccessToken;

        var chatIds = new Guid[Chats];
        await ChatApi.ForEachAsync("Groups created", Chats, async (i, token) =>
            chatIds[i] = await ChatApi.CreateGroupAsync(client, me, string.Create(CultureInfo.InvariantCulture, $"Chat list bench {i}"), [other.Id], token), ct);

        // Chat-major interleaving (message k of every chat, then k + 1): parallel sends rarely hit the same chat.
        var sent = 0;
        await ChatApi.ForEachAsync("Messages sent", Chats * MessagesPerChat, async (n, token) =>
        {
            var (chat, k) = (n % Chats, n / Chats);
            var sender = chat % 2 == 0 ? me : other;
            var text = string.Create(CultureInfo.InvariantCulture, $"Message {k} in chat {chat}: a line of ordinary length, about what people type.");
            await ChatApi.RequireAsync(
                client, sender.AccessToken, HttpMethod.Post, $"chats/{chatIds[chat]}/messages",
                new { clientMessageId = string.Create(CultureInfo.InvariantCulture, $"bench-{chat}-{k}"), text }, HttpStatusCode.Created, token);
            if (Interlocked.Increment(ref sent) % 2000 == 0)
            {
                await Console.Error.WriteLineAsync($"  {sent} of {Chats * MessagesPerChat} messages sent ...");
            }
        }, ct);

        // One page read for the notes: what the measured requests will get.
        using var response = await ChatApi.SendAsync(client, token, HttpMethod.Get, FirstPage, null, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Setup: GET {FirstPage}: {(int)response.StatusCode} {response.StatusCode}");
        }

        using var page = JsonDocument.Parse(bytes);
        var items = page.RootElement.GetProperty("items").EnumerateArray().ToArray();
        var c = CultureInfo.InvariantCulture;
        notes["chats"] = Chats.ToString(c);
        notes["messagesPerChat"] = MessagesPerChat.ToString(c);
        notes["pageBytes"] = bytes.Length.ToString(c);
        notes["pageItems"] = items.Length.ToString(c);
        notes["pageHasNextCursor"] = (page.RootElement.GetProperty("nextCursor").ValueKind == JsonValueKind.String).ToString(c);
        notes["pageItemsWithLastMessage"] = items.Count(i => i.GetProperty("lastMessage").ValueKind == JsonValueKind.Object).ToString(c);
        notes["pageItemsWithUnread"] = items.Count(i => i.GetProperty("unreadCount").GetInt32() > 0).ToString(c);
        notes["pageUnreadTotal"] = items.Sum(i => i.GetProperty("unreadCount").GetInt32()).ToString(c);
        notes["responseEncoding"] = "identity (the bench sends no Accept-Encoding)";
        await Console.Error.WriteLineAsync($"First page: {bytes.Length} bytes, {items.Length} items, {notes["pageItemsWithUnread"]} with unread messages ({notes["pageUnreadTotal"]} in all).");

        smallest = Enumerable.Repeat(long.MaxValue, context.Workers).ToArray();
        largest = new long[context.Workers];
    }

    public async ValueTask<Outcome> ExecuteAsync(HttpClient client, int workerIndex, CancellationToken ct)
    {
        using var response = await ChatApi.SendAsync(client, token, HttpMethod.Get, FirstPage, null, ct);
        // SendAsync buffers the body, so the latency includes reading the whole page.
        var bytes = response.Content.Headers.ContentLength ?? (await response.Content.ReadAsByteArrayAsync(ct)).LongLength;
        smallest[workerIndex] = Math.Min(smallest[workerIndex], bytes);
        largest[workerIndex] = Math.Max(largest[workerIndex], bytes);
        return Outcome.Expect(response, HttpStatusCode.OK);
    }
}
