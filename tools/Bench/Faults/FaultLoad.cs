using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DistaHilar.Bench.Scenarios;

namespace DistaHilar.Bench.Faults;

/// <summary>A chat of the run and its members' devices.</summary>
internal sealed record ConnectedGroup(int Index, Guid Id, IReadOnlyList<MemberDevice> Members);

/// <summary>
/// The steady load the faults hit, as devices make it: per chat one send at a time (its members take turns), each
/// retried with the same <c>clientMessageId</c> until acknowledged, as clients retry; every member moving its read
/// pointer once a second; <c>/api/health</c> probed four times a second. Clients wait what <c>Retry-After</c> says,
/// but at most a second, so a recovery shows within a second of it.
/// </summary>
internal sealed class FaultLoad(HttpClient client, IReadOnlyList<ConnectedGroup> chats, FaultHistory history, FaultOptions options) : IDisposable
{
    private static readonly TimeSpan MaxRetryWait = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource stopping = new();
    private int givenUp;

    /// <summary>Sends never acknowledged within <see cref="FaultOptions.GiveUpAfter"/>.</summary>
    public int GivenUp => Volatile.Read(ref givenUp);

    /// <summary>Runs until <see cref="StopAsync"/>; sends under way are finished (acknowledged or given up) first.</summary>
    public Task Running { get; private set; } = Task.CompletedTask;

    public void Start(CancellationToken ct)
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, stopping.Token).Token;
        Running = Task.WhenAll(
            chats.Select(chat => Task.Run(() => SendLoopAsync(chat, linked, ct), CancellationToken.None))
                .Concat(chats.SelectMany(chat => chat.Members.Select(member => Task.Run(() => ReadLoopAsync(chat, member, linked, ct), CancellationToken.None))))
                .Append(Task.Run(() => HealthLoopAsync(linked, ct), CancellationToken.None)));
    }

    public async Task StopAsync()
    {
        await stopping.CancelAsync();
        await Running;
    }

    public void Dispose() => stopping.Dispose();

    private async Task SendLoopAsync(ConnectedGroup chat, CancellationToken stop, CancellationToken ct)
    {
        for (var turn = 0; !stop.IsCancellationRequested; turn++)
        {
            var sender = chat.Members[turn % chat.Members.Count];
            var body = new
            {
                clientMessageId = Guid.NewGuid().ToString(),
                text = string.Create(CultureInfo.InvariantCulture, $"fault run: chat {chat.Index}, message {turn}"),
            };
            var cmid = Guid.Parse(body.clientMessageId);
            var giveUp = history.Now + options.GiveUpAfter.TotalSeconds;
            var acknowledged = false;
            // A started send is finished even once the load stops: an unacknowledged send would prove nothing.
            while (!acknowledged && history.Now < giveUp && !ct.IsCancellationRequested)
            {
                var (attempt, json, retryAfter) = await RequestAsync(Attempt.Send, sender, HttpMethod.Post, $"chats/{chat.Id}/messages", body, ct);
                if (attempt.Succeeded && json is { } message)
                {
                    history.Add(new Acknowledged(chat.Index, chat.Id, cmid, message.GetProperty("id").GetGuid(), message.GetProperty("seq").GetInt64(), attempt.End));
                    acknowledged = true;
                }
                else
                {
                    await DelayAsync(retryAfter, ct);
                }
            }

            if (!acknowledged)
            {
                Interlocked.Increment(ref givenUp);
            }

            await DelayAsync(options.SendInterval, stop);
        }
    }

    // The loops stop between requests: a request under way when the load stops is answered, not cancelled (a
    // cancelled one would end its loop with an exception the history has no place for).
    private async Task ReadLoopAsync(ConnectedGroup chat, MemberDevice member, CancellationToken stop, CancellationToken ct)
    {
        while (!stop.IsCancellationRequested)
        {
            await DelayAsync(TimeSpan.FromSeconds(1), stop);
            var newest = member.Seen.Where(s => s.Value.ChatId == chat.Id).MaxBy(s => s.Value.Seq);
            if (newest.Key != Guid.Empty && !stop.IsCancellationRequested)
            {
                await RequestAsync(Attempt.Read, member, HttpMethod.Post, $"chats/{chat.Id}/read", new { upToMessageId = newest.Key }, ct);
            }
        }
    }

    private async Task HealthLoopAsync(CancellationToken stop, CancellationToken ct)
    {
        while (!stop.IsCancellationRequested)
        {
            var at = history.Now;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                using var response = await client.GetAsync(new Uri("health", UriKind.Relative), timeout.Token);
                var report = response.Content.Headers.ContentType?.MediaType == "application/json"
                    ? await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token)
                    : default;
                var checks = report.ValueKind == JsonValueKind.Object && report.TryGetProperty("checks", out var c) ? c : default;
                history.Add(new HealthSample(at, (int)response.StatusCode, Check(checks, "database"), Check(checks, "storage"), Check(checks, "signalr")));
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException && !ct.IsCancellationRequested)
            {
                history.Add(new HealthSample(at, 0, null, null, null));
            }

            await DelayAsync(TimeSpan.FromMilliseconds(250), stop);
        }

        static string? Check(JsonElement checks, string name) =>
            checks.ValueKind == JsonValueKind.Object && checks.TryGetProperty(name, out var v) ? v.GetString() : null;
    }

    /// <summary>One request, recorded; its JSON body when it succeeded, and how long to wait before a retry.</summary>
    private async Task<(Attempt Attempt, JsonElement? Body, TimeSpan RetryWait)> RequestAsync(
        string kind, MemberDevice member, HttpMethod method, string path, object body, CancellationToken ct)
    {
        var at = Stopwatch.GetTimestamp();
        try
        {
            using var response = await ChatApi.SendAsync(client, member.User.AccessToken, method, new Uri(path, UriKind.Relative), body, ct);
            var ok = response.IsSuccessStatusCode;
            var json = ok ? await response.Content.ReadFromJsonAsync<JsonElement>(ct) : (JsonElement?)null;
            var retryAfter = response.Headers.RetryAfter?.Delta;
            var attempt = new Attempt(
                kind, history.Seconds(at), Stopwatch.GetElapsedTime(at).TotalMilliseconds, (int)response.StatusCode, null,
                response.Content.Headers.ContentType?.MediaType == "application/problem+json", retryAfter is not null);
            history.Add(attempt);
            return (attempt, json, retryAfter is { } wait && wait < MaxRetryWait ? wait : MaxRetryWait);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !ct.IsCancellationRequested)
        {
            // HttpClient.Timeout surfaces as a TaskCanceledException whose token was not ours.
            var failure = e is TaskCanceledException ? Attempt.TimeoutFailure : e.GetType().Name + ": " + e.Message;
            var attempt = new Attempt(kind, history.Seconds(at), Stopwatch.GetElapsedTime(at).TotalMilliseconds, 0, failure, false, false);
            history.Add(attempt);
            return (attempt, null, MaxRetryWait);
        }
    }

    private static async Task DelayAsync(TimeSpan wait, CancellationToken ct)
    {
        try
        {
            await Task.Delay(wait, ct);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the caller's loop condition ends it.
        }
    }
}
