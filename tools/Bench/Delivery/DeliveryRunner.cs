using System.Diagnostics;
using System.Globalization;
using DistaHilar.Bench.Scenarios;

namespace DistaHilar.Bench.Delivery;

/// <summary>
/// The delivery benchmarks: how long an event takes from the API call to every receiver's connected client, and how
/// many SignalR REST calls the app makes per event. Per receiver count N, setup (not measured) registers a sender and
/// N receivers, connects one client per receiver (and the sender's, if the workload says so), makes the chat and
/// warms up until every receiver gets events; then the sender sends M events, one at a time: each API call is made
/// once the previous event has reached every receiver, so a latency is one event's delivery, never a queue of
/// earlier ones. What an event is (a rename, a message) is the <see cref="IDeliveryWorkload"/>'s.
/// </summary>
internal sealed class DeliveryRunner(HttpClient client, BenchTarget target, BenchOptions options, IDeliveryWorkload workload)
{
    /// <summary>Every workload --scenario can name.</summary>
    public static IReadOnlyList<IDeliveryWorkload> Workloads { get; } = [new RenameWorkload(), MessageWorkload.Dialog, MessageWorkload.Group];

    // Clients join the chat's group when the app grants the members right after the chat's commit; a grant that
    // fails there is retried by the outbox dispatcher (10 s claim delay, a 5 s timer). 30 tries × 2 s cover that.
    private const int ReadyTries = 30;
    private static readonly TimeSpan ReadyTryWait = TimeSpan.FromSeconds(2);

    // Events after the first one everybody got, for JIT (tiering needs 30 calls), pools and caches; not recorded.
    private const int WarmupEvents = 50;

    /// <summary>The receiver counts this run uses: --receivers, else the workload's default.</summary>
    public IReadOnlyList<int> Receivers => options.Receivers ?? workload.DefaultReceivers;

    public async Task<DeliveryReport> RunAsync(DateTime started, CancellationToken ct)
    {
        var levels = new List<DeliveryLevel>();
        foreach (var receivers in Receivers)
        {
            levels.Add(await RunLevelAsync(receivers, ct));
        }

        return new DeliveryReport(
            started, MachineInfo.Current, target.Api.AbsoluteUri, workload.Name, target.OverriddenSettings, options.Messages, workload.Description, workload.Goal, levels);
    }

    private async Task<DeliveryLevel> RunLevelAsync(int receivers, CancellationToken ct)
    {
        var setupStarted = Stopwatch.GetTimestamp();
        var restAtStart = target.SignalRRestCalls;
        await Console.Error.WriteLineAsync($"{receivers} receivers: registering {receivers + 1} users ...");
        var users = await BenchUsers.RegisterManyAsync(client, BenchUsers.NewRunPrefix() + "_f" + receivers.ToString(CultureInfo.InvariantCulture) + "_", receivers + 1, ct);
        var (sender, members) = (users[0], users[1..]);
        var warmup = new DeliveryLog(ReadyTries + WarmupEvents, receivers);
        var measured = new DeliveryLog(options.Messages, receivers);

        // Connected before they are members: their first negotiate then has no chat memberships to renew, so no
        // grants are queued that could reach the service during the measured events.
        RegisteredUser[] others = workload.SenderConnected ? [sender] : [];
        await Console.Error.WriteLineAsync($"{receivers} receivers: connecting {receivers + others.Length} SignalR clients through /api/negotiate ...");
        var clients = await DeliveryClients.ConnectAsync(target.Api, workload, members, others, warmup, measured, ct);
        try
        {
            var chatId = await workload.CreateChatAsync(client, sender, members, ct);
            await WarmUpAsync(sender, chatId, warmup, ct);
            var setup = Stopwatch.GetElapsedTime(setupStarted);
            var setupRestCalls = target.SignalRRestCalls?.Since(restAtStart!);
            await Console.Error.WriteLineAsync($"{receivers} receivers: {options.Messages} measured events ...");
            var level = await MeasureAsync(sender, chatId, clients, measured, ct);
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

    /// <summary>Sends the measured events one at a time, each once the previous one reached every receiver.</summary>
    private async Task<DeliveryLevel> MeasureAsync(RegisteredUser sender, Guid chatId, DeliveryClients clients, DeliveryLog measured, CancellationToken ct)
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
                await workload.SendAsync(client, sender, chatId, new Marker(IsWarmup: false, i), ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                error = $"event {i}: {e.Message}";
                break;
            }

            apiTicks.Add(Stopwatch.GetTimestamp() - sentAt[i]);
            if (!await measured.WaitForEveryoneAsync(i, options.RequestTimeout, ct))
            {
                error = $"event {i}: {measured.Received(i)} of {measured.Clients} receivers got it within {options.RequestTimeout.TotalSeconds} s";
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var restCalls = restBefore is null ? null : target.SignalRRestCalls!.Since(restBefore);
        var memory = target.ReadMemory();
        var events = apiTicks.Count;
        var latencies = new List<long>(events * measured.Clients);
        var everyone = new List<long>(events);
        for (var i = 0; i < events; i++)
        {
            var last = 0L;
            var all = true;
            for (var c = 0; c < measured.Clients; c++)
            {
                if (measured.ReceivedAt(i, c) is var at and not 0)
                {
                    latencies.Add(at - sentAt[i]);
                    last = Math.Max(last, at);
                }
                else
                {
                    all = false;
                }
            }

            if (all)
            {
                everyone.Add(last - sentAt[i]);
            }
        }

        latencies.Sort();
        everyone.Sort();
        apiTicks.Sort();
        return new DeliveryLevel(
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
            LatencyMs.FromSorted([.. everyone]),
            LatencyMs.FromSorted([.. apiTicks]),
            restCalls,
            restCalls is null || events == 0 ? null : Math.Round((double)restCalls.Total / events, 3),
            SetupSeconds: 0,
            SetupRestCalls: null,
            memory.PeakMiB,
            memory.CurrentMiB);
    }

    /// <summary>Sends until one event reaches every receiver (all are in the chat), then a few more; throws if they never all do.</summary>
    private async Task WarmUpAsync(RegisteredUser sender, Guid chatId, DeliveryLog warmup, CancellationToken ct)
    {
        var index = 0;
        for (var ready = false; !ready; index++)
        {
            if (index == ReadyTries)
            {
                throw new InvalidOperationException(
                    $"Only {warmup.Received(index - 1)} of {warmup.Clients} receivers got a warm-up event after {ReadyTries * ReadyTryWait.TotalSeconds} s: the rest never joined the chat's group.");
            }

            await workload.SendAsync(client, sender, chatId, new Marker(IsWarmup: true, index), ct);
            ready = await warmup.WaitForEveryoneAsync(index, ReadyTryWait, ct);
        }

        for (var end = index + WarmupEvents; index < end; index++)
        {
            await workload.SendAsync(client, sender, chatId, new Marker(IsWarmup: true, index), ct);
            if (!await warmup.WaitForEveryoneAsync(index, options.RequestTimeout, ct))
            {
                throw new InvalidOperationException($"Warm-up event {index} reached {warmup.Received(index)} of {warmup.Clients} receivers within {options.RequestTimeout.TotalSeconds} s.");
            }
        }
    }
}
