using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DistaHilar.Bench.Faults;
using DistaHilar.Bench.Scenarios;

namespace DistaHilar.Bench.Soak;

/// <summary>
/// The soak's mixed load, as a messenger's users make it: lanes of one kind of request each, every lane paced to a
/// fixed interval (a late request makes the next one start at once, never two at a time), so the rate stays what
/// <see cref="SoakOptions"/> says however fast the app is. Each request's latency and outcome go into the current
/// window, which the runner takes every sample.
/// </summary>
internal sealed class SoakLoad(HttpClient client, IReadOnlyList<ConnectedGroup> chats, RegisteredUser caller, Guid dialogId, SoakOptions options)
{
    public const string Send = "send";
    public const string History = "history";
    public const string ChatList = "chat-list";
    public const string React = "react";
    public const string Typing = "typing";
    public const string Read = "read";
    public const string Upload = "upload";
    public const string Call = "call";

    private static readonly string[] Emoji = ["👍", "❤️", "😂", "🔥"];
    private ConcurrentQueue<(string Kind, double Ms, bool Ok)> window = new();
    private readonly ConcurrentDictionary<Guid, Guid> newest = new();

    public static IReadOnlyList<string> Kinds { get; } = [Send, History, ChatList, React, Typing, Read, Upload, Call];

    /// <summary>The requests since the previous call: (kind, ms, succeeded).</summary>
    public IReadOnlyCollection<(string Kind, double Ms, bool Ok)> TakeWindow() => Interlocked.Exchange(ref window, new());

    /// <summary>Runs until <paramref name="stop"/>; requests under way then finish (<paramref name="ct"/> aborts them).</summary>
    public Task RunAsync(CancellationToken stop, CancellationToken ct)
    {
        var lanes = new List<Task>();
        foreach (var chat in chats)
        {
            var turn = 0;
            lanes.Add(Lane(Send, options.SendEvery, async t =>
            {
                var sender = chat.Members[turn++ % chat.Members.Count].User;
                var body = new { clientMessageId = Guid.NewGuid().ToString(), text = string.Create(CultureInfo.InvariantCulture, $"soak: chat {chat.Index}, message {turn}") };
                using var response = await ChatApi.SendAsync(client, sender.AccessToken, HttpMethod.Post, new Uri($"chats/{chat.Id}/messages", UriKind.Relative), body, t);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    newest[chat.Id] = (await response.Content.ReadFromJsonAsync<JsonElement>(t)).GetProperty("id").GetGuid();
                }

                return response.StatusCode == HttpStatusCode.Created;
            }, stop, ct));
            lanes.Add(Lane(History, options.HistoryEvery, t => OkAsync(chat.Members[0].User, HttpMethod.Get, $"chats/{chat.Id}/messages?limit=50", null, t), stop, ct));
            lanes.Add(Lane(React, options.ReactEvery, t => newest.TryGetValue(chat.Id, out var message)
                ? OkAsync(chat.Members[turn % chat.Members.Count].User, HttpMethod.Put, $"chats/{chat.Id}/messages/{message}/reactions", new { emoji = Emoji[turn % Emoji.Length] }, t)
                : Task.FromResult(true), stop, ct));
            lanes.Add(Lane(Typing, options.TypingEvery, async t =>
            {
                await chat.Members[turn % chat.Members.Count].TypingAsync(chat.Id, t);
                return true;
            }, stop, ct));
            lanes.Add(Lane(Read, options.ReadEvery, t => newest.TryGetValue(chat.Id, out var message)
                ? OkAsync(chat.Members[(turn + 1) % chat.Members.Count].User, HttpMethod.Post, $"chats/{chat.Id}/read", new { upToMessageId = message }, t)
                : Task.FromResult(true), stop, ct));
        }

        var users = chats.SelectMany(c => c.Members).Select(m => m.User).ToList();
        var listTurn = 0;
        lanes.Add(Lane(ChatList, options.ChatListEvery, t => OkAsync(users[listTurn++ % users.Count], HttpMethod.Get, "chats?limit=50", null, t), stop, ct));
        lanes.Add(Lane(Upload, options.UploadEvery, UploadAsync, stop, ct));
        lanes.Add(Lane(Call, options.CallEvery, CallAsync, stop, ct));
        return Task.WhenAll(lanes);
    }

    private Task Lane(string kind, TimeSpan every, Func<CancellationToken, Task<bool>> request, CancellationToken stop, CancellationToken ct) => Task.Run(async () =>
    {
        var next = Stopwatch.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            bool ok;
            try
            {
                ok = await request(ct);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or Microsoft.AspNetCore.SignalR.HubException or InvalidOperationException && !ct.IsCancellationRequested)
            {
                ok = false;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }

            window.Enqueue((kind, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ok));
            next += (long)(every.TotalSeconds * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            else
            {
                next = Stopwatch.GetTimestamp(); // behind: no burst to catch up
            }
        }
    }, CancellationToken.None);

    private async Task<bool> OkAsync(RegisteredUser user, HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var response = await ChatApi.SendAsync(client, user.AccessToken, method, new Uri(path, UriKind.Relative), body, ct);
        return response.IsSuccessStatusCode;
    }

    /// <summary>A small file through the API (202); its processing is queue work, which must keep up.</summary>
    private async Task<bool> UploadAsync(CancellationToken ct)
    {
        using var response = await QueueWork.UploadFileAsync(client, caller, new byte[16 * 1024], ct);
        return response.StatusCode == HttpStatusCode.Accepted;
    }

    /// <summary>A call started and hung up before it is answered (the callee's devices ring, then stop).</summary>
    private async Task<bool> CallAsync(CancellationToken ct)
    {
        using var started = await ChatApi.SendAsync(client, caller.AccessToken, HttpMethod.Post, new Uri("calls", UriKind.Relative), new { chatId = dialogId }, ct);
        if (started.StatusCode != HttpStatusCode.Created)
        {
            return false;
        }

        var callId = (await started.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
        return await OkAsync(caller, HttpMethod.Post, $"calls/{callId}/end", null, ct);
    }
}
