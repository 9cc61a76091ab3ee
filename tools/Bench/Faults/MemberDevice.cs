using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DistaHilar.Bench.Scenarios;
using Microsoft.AspNetCore.SignalR.Client;

namespace DistaHilar.Bench.Faults;

/// <summary>
/// One member's device, as a messenger client behaves: the official SignalR client connected through
/// <c>/api/negotiate</c>, reconnecting for as long as it takes, and after every reconnect (and once at the end)
/// catching up through <c>GET /api/updates</c> from its cursor. Every <c>message.created</c> it gets, live or by
/// catch-up, is recorded by message id; the first copy counts, later ones are counted as repeats.
/// </summary>
internal sealed class MemberDevice : IAsyncDisposable
{
    private const string TypingMethod = "typing";
    private readonly HttpClient client;
    private readonly HubConnection hub;
    private readonly ConcurrentDictionary<Guid, MessageSeen> seen = new();
    private readonly SemaphoreSlim catchUpGate = new(1, 1);
    private string cursor = "";
    private int repeats;
    private int reconnects;
    private int liveOutOfOrder;

    // Written by the live handler only, which the SignalR client runs one at a time per connection.
    private readonly Dictionary<Guid, long> lastLiveSeq = [];

    private MemberDevice(HttpClient client, RegisteredUser user, Uri api)
    {
        this.client = client;
        User = user;
        hub = new HubConnectionBuilder()
            .WithUrl(new Uri(api.AbsoluteUri.TrimEnd('/')), o => o.AccessTokenProvider = () => Task.FromResult<string?>(user.AccessToken))
            .WithAutomaticReconnect(new EverySecond())
            .Build();
        hub.On<JsonElement>("message.created", envelope => Record(envelope, live: true));
        hub.Reconnected += connectionId =>
        {
            Interlocked.Increment(ref reconnects);
            // Off the SignalR callback: a catch-up makes HTTP calls that may wait out an outage.
            _ = Task.Run(() => CatchUpAsync(CancellationToken.None));
            return Task.CompletedTask;
        };
    }

    public RegisteredUser User { get; }

    /// <summary>Messages this device has, by id.</summary>
    public IReadOnlyDictionary<Guid, MessageSeen> Seen => seen;

    /// <summary>
    /// Live copies of messages it already had live (delivery is at least once; a client drops them by id). Catch-up
    /// copies are not counted: a device that stayed connected gets everything again in its final catch-up.
    /// </summary>
    public int Repeats => Volatile.Read(ref repeats);

    public int Reconnects => Volatile.Read(ref reconnects);

    /// <summary>Live messages that came after a later one of the same chat (allowed by the contract: apply by seq).</summary>
    public int LiveOutOfOrder => Volatile.Read(ref liveOutOfOrder);

    /// <summary>Takes a starting cursor (before any message of the run), then connects.</summary>
    public static async Task<MemberDevice> ConnectAsync(HttpClient client, RegisteredUser user, Uri api, CancellationToken ct)
    {
        var member = new MemberDevice(client, user, api);
        member.cursor = (await member.GetUpdatesAsync(since: null, ct)).NextCursor;
        await member.hub.StartAsync(ct);
        return member;
    }

    /// <summary>Follows the change log from the cursor until it has nothing more; false if a page could not be read.</summary>
    public async Task<bool> CatchUpAsync(CancellationToken ct)
    {
        await catchUpGate.WaitAsync(ct);
        try
        {
            while (true)
            {
                UpdatesPage page;
                try
                {
                    page = await GetUpdatesAsync(cursor, ct);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    return false; // the app is down: the next reconnect, or the final catch-up, tries again
                }

                foreach (var item in page.Items.Where(i => i.GetProperty("type").GetString() == "message.created"))
                {
                    Record(item, live: false);
                }

                cursor = page.NextCursor;
                if (!page.HasMore)
                {
                    return true;
                }
            }
        }
        finally
        {
            catchUpGate.Release();
        }
    }

    /// <summary>Says "typing" in <paramref name="chatId"/> (the hub method), waiting for the app's answer.</summary>
    public Task TypingAsync(Guid chatId, CancellationToken ct) => hub.InvokeAsync(TypingMethod, new { chatId, action = "typing" }, ct);

    public async ValueTask DisposeAsync()
    {
        await hub.DisposeAsync();
        catchUpGate.Dispose();
    }

    private async Task<UpdatesPage> GetUpdatesAsync(string? since, CancellationToken ct)
    {
        var path = since is null ? "updates" : "updates?limit=500&since=" + Uri.EscapeDataString(since);
        using var response = await ChatApi.SendAsync(client, User.AccessToken, HttpMethod.Get, new Uri(path, UriKind.Relative), null, ct);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"GET updates: {(int)response.StatusCode}", null, response.StatusCode);
        }

        return (await response.Content.ReadFromJsonAsync<UpdatesPage>(ct))!;
    }

    private void Record(JsonElement envelope, bool live)
    {
        var data = envelope.GetProperty("data");
        var id = data.GetProperty("id").GetGuid();
        var chatId = envelope.GetProperty("chatId").GetGuid();
        var seq = data.GetProperty("seq").GetInt64();
        if (live)
        {
            if (lastLiveSeq.TryGetValue(chatId, out var last) && last > seq)
            {
                Interlocked.Increment(ref liveOutOfOrder);
            }
            else
            {
                lastLiveSeq[chatId] = seq;
            }
        }

        if (!seen.TryAdd(id, new MessageSeen(chatId, seq, live, Stopwatch.GetTimestamp())) && live && seen[id].Live)
        {
            Interlocked.Increment(ref repeats);
        }
    }

    private sealed record UpdatesPage(JsonElement[] Items, string NextCursor, bool HasMore);

    /// <summary>Tries again every second, for ever: a device keeps reconnecting through any outage.</summary>
    private sealed class EverySecond : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) => TimeSpan.FromSeconds(1);
    }
}

/// <summary>How a device first got a message: its chat, its number there, live or by catch-up, and when.</summary>
internal sealed record MessageSeen(Guid ChatId, long Seq, bool Live, long At);
