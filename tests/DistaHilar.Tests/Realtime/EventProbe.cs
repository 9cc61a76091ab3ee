using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace DistaHilar.Tests.Realtime;

/// <summary>One official .NET client connected through the app's negotiate, recording every event it receives.</summary>
public sealed class EventProbe : IAsyncDisposable
{
    public static readonly string[] Targets =
    [
        "chat.created", "chat.updated", "chat.deleted", "member.joined", "member.left", "member.updated", "typing", "presence", "folder.updated", "message.created", "message.updated", "messages.deleted", "reactions.updated", "read.updated", "media.updated", "call.incoming", "call.updated", "call.signal", "live.state", "live.signal",
    ];

    private readonly ConcurrentQueue<ReceivedEvent> received = new();

    private EventProbe(HubConnection hub)
    {
        Hub = hub;
        foreach (var target in Targets)
        {
            hub.On<JsonElement>(target, e => received.Enqueue(new ReceivedEvent(target, e)));
        }
    }

    public HubConnection Hub { get; }

    /// <summary>Records the events of a connection the caller built and owns (and disposes).</summary>
    public static EventProbe Attach(HubConnection hub) => new(hub);

    public IReadOnlyList<ReceivedEvent> Events => [.. received];

    /// <summary>Connects as the owner of <paramref name="accessToken"/>; reconnects by itself (quickly, for ever) if the service goes away.</summary>
    public static async Task<EventProbe> ConnectAsync(Uri appBase, string accessToken)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(appBase, "api"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(accessToken))
            .WithAutomaticReconnect(new EveryHalfSecond())
            .Build();
        var probe = new EventProbe(hub);
        await hub.StartAsync(TestContext.Current.CancellationToken);
        return probe;
    }

    /// <summary>Waits until an event matching <paramref name="match"/> arrived and returns the first such.</summary>
    public async Task<ReceivedEvent> WaitForAsync(string target, Func<JsonElement, bool> match, TimeSpan? timeout = null, string? what = null)
    {
        var found = await Infrastructure.Eventually.Returns(
            () => Task.FromResult(received.FirstOrDefault(e => e.Target == target && match(e.Envelope))),
            e => e is not null,
            timeout ?? TimeSpan.FromSeconds(15),
            what ?? $"a {target} event");
        return found!;
    }

    public Task<ReceivedEvent> WaitForChatEventAsync(string target, Guid chatId, TimeSpan? timeout = null) =>
        WaitForAsync(target, e => e.GetProperty("chatId").GetString() == chatId.ToString(), timeout, $"{target} for chat {chatId}");

    public bool Has(string target, Func<JsonElement, bool> match) => received.Any(e => e.Target == target && match(e.Envelope));

    public async ValueTask DisposeAsync() => await Hub.DisposeAsync();

    private sealed class EveryHalfSecond : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) => TimeSpan.FromMilliseconds(500);
    }
}

/// <summary>An event as it arrived: the client method and its envelope <c>{eventId, type, chatId, seq, occurredAt, data}</c>.</summary>
public sealed record ReceivedEvent(string Target, JsonElement Envelope)
{
    public JsonElement Data => Envelope.GetProperty("data");

    public long? Seq => Envelope.GetProperty("seq").ValueKind == JsonValueKind.Number ? Envelope.GetProperty("seq").GetInt64() : null;
}
