using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DistaHilar.Bench.Scenarios;

namespace DistaHilar.Bench.Fanout;

/// <summary>
/// The fanout benchmark: how long a chat event takes from the API call to every member's connected client, and how
/// many SignalR REST calls the app makes per event. Per receiver count N, setup (not measured) registers an owner
/// and N members, connects one client per member, makes one group of them all and warms up until every client gets
/// events; then the owner renames the chat M times, one event at a time: each PATCH is sent once the previous
/// event has reached every client, so a latency is one event's fan-out, never a queue of earlier ones.
/// </summary>
internal sealed class FanoutRunner(HttpClient client, BenchTarget target, BenchOptions options)
{
    public const string Name = "fanout";

    // Group creation takes 200 members, adding takes 100 at a time (ChatRules).
    private const int InitialMembers = 200;
    private const int MembersPerAdd = 100;

    // Clients join the group when the app grants the members right after the group's commit; a grant that fails
    // there is retried by the outbox dispatcher (10 s claim delay, a 5 s timer). 30 tries × 2 s cover that.
    private const int ReadyTries = 30;
    private static readonly TimeSpan ReadyTryWait = TimeSpan.FromSeconds(2);

    // Events after the first one everybody got, for JIT and pools; not recorded.
    private const int WarmupEvents = 5;

    public async Task<FanoutReport> RunAsync(DateTime started, CancellationToken ct)
    {
        var levels = new List<FanoutLevel>();
        foreach (var receivers in options.Receivers)
        {
            levels.Add(await RunLevelAsync(receivers, ct));
        }

        return new FanoutReport(started, MachineInfo.Current, target.Api.AbsoluteUri, Name, target.OverriddenSettings, options.Messages, levels);
    }

    private async Task<FanoutLevel> RunLevelAsync(int receivers, CancellationToken ct)
    {
        var setupStarted = Stopwatch.GetTimestamp();
        var restAtStart = target.SignalRRestCalls;
        await Console.Error.WriteLineAsync($"{receivers} receivers: registering {receivers + 1} users ...");
        var users = await BenchUsers.RegisterManyAsync(client, BenchUsers.NewRunPrefix() + "_f" + receivers.ToString(CultureInfo.InvariantCulture) + "_", receivers + 1, ct);
        var (owner, members) = (users[0], users[1..]);
        var warmup = new DeliveryLog(ReadyTries + WarmupEvents, receivers);
        var measured = new DeliveryLog(options.Messages, receivers);

        // Connected before they are members: their first negotiate then has no chat memberships to renew, so no
        // grants are queued that could reach the service during the measured events.
        await Console.Error.WriteLineAsync($"{receivers} receivers: connecting {receivers} SignalR clients through /api/negotiate ...");
        var clients = await FanoutClients.ConnectAsync(target.Api, members, warmup, measured, ct);
        try
        {
            var chatId = await CreateGroupAsync(owner, members, ct);
            await WarmUpAsync(owner, chatId, warmup, ct);
            var setup = Stopwatch.GetElapsedTime(setupStarted);
            var setupRestCalls = target.SignalRRestCalls?.Since(restAtStart!);
            await Console.Error.WriteLineAsync($"{receivers} receivers: {options.Messages} measured events ...");
            var level = await MeasureAsync(owner, chatId, clients, measured, ct);
            return level with { SetupSeconds = Math.Round(setup.TotalSeconds, 1), SetupRestCalls = setupRestCalls };
        }
        finally
        {
            await clients.DisposeAsync();
            // The app handles each disconnect (presence, SQL): let it finish before the next level or the stack stops.
            if (!await target.WaitForSignalRSessionsAsync(TimeSpan.FromSeconds(30), ct))
            {
                await Console.Error.WriteLineAsync("The SignalR sessions did not all end within 30 s of closing the clients.");
            }
        }
    }

    /// <summary>Sends the measured events one at a time, each once the previous one reached every client.</summary>
    private async Task<FanoutLevel> MeasureAsync(RegisteredUser owner, Guid chatId, FanoutClients clients, DeliveryLog measured, CancellationToken ct)
    {
        target.ResetPeakMemory();
        var restBefore = target.SignalRRestCalls;
        var sentAt = new long[options.Messages];
        var apiTicks = new List<long>(options.Messages);
        string? error = null;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < options.Messages && error is null; i++)
        {
            sentAt[i] = Stopwatch.GetTimestamp();
            try
            {
                await RenameAsync(owner, chatId, new Marker(IsWarmup: false, i), ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                error = $"event {i}: {e.Message}";
                break;
            }

            apiTicks.Add(Stopwatch.GetTimestamp() - sentAt[i]);
            if (!await measured.WaitForEveryoneAsync(i, options.RequestTimeout, ct))
            {
                error = $"event {i}: {measured.Received(i)} of {measured.Clients} clients got it within {options.RequestTimeout.TotalSeconds} s";
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var restCalls = restBefore is null ? null : target.SignalRRestCalls!.Since(restBefore);
        var memory = target.ReadMemory();
        var events = apiTicks.Count;
        var latencies = new List<long>(events * measured.Clients);
        for (var i = 0; i < events; i++)
        {
            for (var c = 0; c < measured.Clients; c++)
            {
                if (measured.ReceivedAt(i, c) is var at and not 0)
                {
                    latencies.Add(at - sentAt[i]);
                }
            }
        }

        latencies.Sort();
        apiTicks.Sort();
        return new FanoutLevel(
            measured.Clients,
            events,
            latencies.Count,
            ((long)events * measured.Clients) - latencies.Count,
            clients.Disconnects,
            error ?? (clients.FirstDisconnect is { } lost ? "connection lost: " + lost : null),
            Math.Round(elapsed.TotalSeconds, 3),
            Math.Round(events / elapsed.TotalSeconds, 1),
            Math.Round(latencies.Count / elapsed.TotalSeconds, 1),
            LatencyMs.FromSorted([.. latencies]),
            LatencyMs.FromSorted([.. apiTicks]),
            restCalls,
            restCalls is null || events == 0 ? null : Math.Round((double)restCalls.Total / events, 3),
            SetupSeconds: 0,
            SetupRestCalls: null,
            memory.PeakMiB,
            memory.CurrentMiB);
    }

    private async Task<Guid> CreateGroupAsync(RegisteredUser owner, RegisteredUser[] members, CancellationToken ct)
    {
        var first = members.Take(InitialMembers).Select(m => m.Id).ToArray();
        using var created = await SendAsync(owner, HttpMethod.Post, "chats/groups", new { title = "fanout", memberIds = first }, HttpStatusCode.Created, ct);
        var chatId = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
        foreach (var batch in members.Skip(InitialMembers).Chunk(MembersPerAdd))
        {
            using var added = await SendAsync(owner, HttpMethod.Post, $"chats/{chatId}/members", new { userIds = batch.Select(m => m.Id).ToArray() }, HttpStatusCode.OK, ct);
        }

        return chatId;
    }

    /// <summary>Renames until one event reaches every client (all are in the group), then a few more; throws if they never all do.</summary>
    private async Task WarmUpAsync(RegisteredUser owner, Guid chatId, DeliveryLog warmup, CancellationToken ct)
    {
        var index = 0;
        for (var ready = false; !ready; index++)
        {
            if (index == ReadyTries)
            {
                throw new InvalidOperationException(
                    $"Only {warmup.Received(index - 1)} of {warmup.Clients} clients got a warm-up event after {ReadyTries * ReadyTryWait.TotalSeconds} s: the rest never joined the chat's group.");
            }

            await RenameAsync(owner, chatId, new Marker(IsWarmup: true, index), ct);
            ready = await warmup.WaitForEveryoneAsync(index, ReadyTryWait, ct);
        }

        for (var end = index + WarmupEvents; index < end; index++)
        {
            await RenameAsync(owner, chatId, new Marker(IsWarmup: true, index), ct);
            if (!await warmup.WaitForEveryoneAsync(index, options.RequestTimeout, ct))
            {
                throw new InvalidOperationException($"Warm-up event {index} reached {warmup.Received(index)} of {warmup.Clients} clients within {options.RequestTimeout.TotalSeconds} s.");
            }
        }
    }

    /// <summary>PATCH api/chats/{id} {title}: one chat.updated event to the chat's group.</summary>
    private async Task RenameAsync(RegisteredUser owner, Guid chatId, Marker marker, CancellationToken ct)
    {
        using var response = await SendAsync(owner, HttpMethod.Patch, $"chats/{chatId}", new { title = marker.ToString() }, HttpStatusCode.OK, ct);
    }

    /// <summary>Sends as <paramref name="user"/>; throws unless the answer has the expected status.</summary>
    private async Task<HttpResponseMessage> SendAsync(RegisteredUser user, HttpMethod method, string path, object body, HttpStatusCode expected, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        var response = await client.SendAsync(request, ct);
        if (response.StatusCode != expected)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            response.Dispose();
            throw new HttpRequestException($"{method} {path}: {(int)response.StatusCode} {response.StatusCode}, expected {(int)expected}: {(text.Length <= 300 ? text : text[..300])}");
        }

        return response;
    }
}
