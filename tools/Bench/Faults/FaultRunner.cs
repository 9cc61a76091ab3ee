using System.Globalization;
using System.Net;
using DistaHilar.Bench.Scenarios;
using DistaHilar.Dev;
using DistaHilar.DevHost;
using Npgsql;

namespace DistaHilar.Bench.Faults;

/// <summary>
/// The fault benchmark (issue 16): a steady send load over several groups, every member connected, while the
/// faults hit the stack one after the other; after each one it measures the recovery (the first acknowledged send,
/// every acknowledged message at every member, the outbox drained, a call's ring timeout and an upload's processing
/// done), and at the end every device catches up once more and <see cref="FaultCheck"/> checks the whole history.
/// The stack must be started with production durability and <see cref="AppSettings"/>.
/// </summary>
/// <param name="restarted">Called after each fault, once the stack is whole again (its processes may have new PIDs).</param>
internal sealed class FaultRunner(DevEnvironment stack, HttpClient client, FaultOptions options, TextWriter progress, Action? restarted = null)
{
    public const string Name = "faults";

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The app settings the run needs: one address's generous limits, a ring timeout inside an outage, and (DevHost
    /// only) a queue-message lease short enough that what a killed worker had taken is retried within the recovery
    /// deadline; the Functions host keeps such messages invisible for 10 minutes.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> AppSettings(FaultOptions options) =>
        new Dictionary<string, string?>(OneAddressLimits.Settings)
        {
            ["Calls__RingTimeout"] = options.RingTimeout.ToString("c", CultureInfo.InvariantCulture),
            [FunctionsDevHost.QueueLeaseSetting] = options.QueueMessageLease.ToString("c", CultureInfo.InvariantCulture),
        };

    public async Task<FaultReport> RunAsync(DateTime started, CancellationToken ct)
    {
        var faults = options.Faults.Select(name => Fault.All.Single(f => f.Name == name)).ToList();
        var history = new FaultHistory();
        await progress.WriteLineAsync($"Faults: registering {options.Chats * options.Members} users and connecting them ...");
        await using var population = await ConnectedGroups.SetUpAsync(client, stack.ApiBaseUrl, "fault", options.Chats, options.Members, ct);
        var (devices, chats) = (population.Devices, population.Chats);
        var queueWork = new QueueWork(client, population.Caller, population.DialogId, options.RecoveryTimeout);
        using var load = new FaultLoad(client, chats, history, options);
        load.Start(ct);
        await progress.WriteLineAsync($"Faults: {options.Chats} chats sending; steady for {options.Steady.TotalSeconds} s ...");
        await Task.Delay(options.Steady, ct);
        var windows = new List<FaultWindow>();
        foreach (var fault in faults)
        {
            windows.Add(await InjectAsync(fault, history, chats, queueWork, ct));
            await Task.Delay(options.Steady, ct);
        }

        await progress.WriteLineAsync("Faults: stopping the load; every device catches up ...");
        await load.StopAsync();
        var settled = await UntilAsync(async () => await Task.WhenAll(devices.Select(d => d.CatchUpAsync(ct))) is var done && done.All(x => x), ct);
        // Every queue's work (media, read state, call timers) must finish, and none of it may have been given up.
        var storage = stack.Services.Azurite.ConnectionString;
        var queuesDrained = await UntilAsync(async () => (await QueueWork.QueuedAsync(storage, poison: false, ct)).Count == 0, ct);
        var poisoned = await QueueWork.QueuedAsync(storage, poison: true, ct);
        var stored = new Dictionary<int, IReadOnlySet<Guid>>();
        foreach (var chat in chats)
        {
            stored[chat.Index] = await HistoryAsync(chat, ct);
        }

        var records = chats.SelectMany(c => c.Members.Select(m => new MemberRecord(c.Index, m.User.Username, m.Seen))).ToList();
        var violations = FaultCheck.Violations(history.Attempts, history.Acknowledged, history.Health, records, stored, windows, load.GivenUp).ToList();
        if (!settled)
        {
            violations.Add("not every device could catch up at the end within the recovery deadline");
        }

        if (!queuesDrained)
        {
            violations.Add("queue messages were still waiting at the end after the recovery deadline: " + BenchTarget.Describe(
                (await QueueWork.QueuedAsync(storage, poison: false, ct)).ToDictionary(q => q.Key, q => (string?)q.Value.ToString(CultureInfo.InvariantCulture))));
        }

        violations.AddRange(poisoned.Select(p => $"{p.Value} messages in the poison queue {p.Key}"));
        var sends = history.Attempts.Where(a => a.Kind == Attempt.Send).ToList();
        var seen = devices.SelectMany(d => d.Seen.Values).ToList();
        var totals = new FaultTotals(
            sends.Count,
            history.Acknowledged.Count,
            load.GivenUp,
            seen.Count,
            seen.Count(s => s.Live),
            seen.Count(s => !s.Live),
            history.Acknowledged.DistinctBy(a => a.MessageId).Count(a =>
                !stored[a.Chat].Contains(a.MessageId) || chats[a.Chat].Members.Any(m => !m.Seen.ContainsKey(a.MessageId))),
            devices.Sum(d => d.Repeats),
            devices.Sum(d => d.LiveOutOfOrder),
            devices.Sum(d => d.Reconnects),
            history.Attempts.Count(a => a.Kind == Attempt.Read),
            Math.Round(history.Acknowledged.Count / history.Now, 1));
        return new FaultReport(started, MachineInfo.Current, stack.ApiBaseUrl.AbsoluteUri, options, AppSettings(options), windows, totals, poisoned, violations);
    }

    private async Task<FaultWindow> InjectAsync(Fault fault, FaultHistory history, List<ConnectedGroup> chats, QueueWork queueWork, CancellationToken ct)
    {
        // Its ring timeout (a delayed queue message) comes due during the outage.
        var call = await queueWork.StartUnansweredCallAsync(ct);
        await progress.WriteLineAsync($"Fault {fault.Name}: {fault.Description} ...");
        var injected = history.Now;
        await fault.Inject(stack, ct);
        if (fault.HeldForOutage)
        {
            await Task.Delay(options.Outage, ct);
        }

        await fault.Restore(stack, ct);
        var restored = history.Now;
        var restoredClock = DateTimeOffset.UtcNow;
        restarted?.Invoke();
        double? After(double? at) => at is { } t ? Math.Round(Math.Max(0, t - restored), 2) : null;

        var firstSend = await UntilAsync(() => Task.FromResult(history.Acknowledged.Any(a => a.At >= restored)), ct)
            ? history.Acknowledged.Where(a => a.At >= restored).Min(a => a.At)
            : (double?)null;
        var acknowledgedBefore = history.Acknowledged.Where(a => a.At <= restored).ToList();
        var delivered = await UntilAsync(() => Task.FromResult(acknowledgedBefore.All(a => chats[a.Chat].Members.All(d => d.Seen.ContainsKey(a.MessageId)))), ct)
            ? history.Now
            : (double?)null;
        var drained = await UntilAsync(async () => await OutboxPendingAsync(restoredClock, ct) == 0, ct) ? history.Now : (double?)null;
        var callMissed = call is { } id ? await queueWork.CallMissedAsync(id, ct) : null;
        var media = await queueWork.MediaProcessedAsync(ct);

        var downAt = fault.HealthCheck is null
            ? null
            : history.Health.Where(h => h.At >= injected && h.At <= restored && h.Status == 503 && Down(h, fault.HealthCheck)).Select(h => (double?)h.At).Min();
        var inWindow = history.Attempts.Where(a => a.End >= injected && a.Start <= restored + (firstSend is { } f ? f - restored : 0) + 1).ToList();
        var window = new FaultWindow(
            fault.Name, fault.Description, fault.HealthCheck, fault.Silent, Math.Round(injected, 2), Math.Round(restored, 2),
            downAt is { } d ? Math.Round(d - injected, 2) : null,
            After(firstSend), After(delivered), After(drained),
            callMissed is { } c ? Math.Round(Math.Max(0, (c - restoredClock).TotalSeconds), 2) : null,
            media,
            inWindow.Count, inWindow.Count(a => a.Succeeded), inWindow.Count(a => a.Status == 503), inWindow.Count(a => a.Status == 0), inWindow.Count(a => !a.Succeeded && a.Status is not (503 or 0)));
        await progress.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Fault {fault.Name}: back after {window.OutageSeconds} s; first send +{window.FirstSendAfter} s, all delivered +{window.AllDeliveredAfter} s, outbox drained +{window.OutboxDrainedAfter} s"));
        return window;
    }

    /// <summary>Every message id in the chat's history, as the API reads it after the run (newest first, page by page).</summary>
    private async Task<IReadOnlySet<Guid>> HistoryAsync(ConnectedGroup chat, CancellationToken ct)
    {
        var ids = new HashSet<Guid>();
        string? cursor = null;
        do
        {
            var path = $"chats/{chat.Id}/messages?limit=100" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            var page = await ChatApi.RequireAsync(client, chat.Members[0].User.AccessToken, HttpMethod.Get, path, null, HttpStatusCode.OK, ct);
            ids.UnionWith(page.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("id").GetGuid()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return ids;
    }

    private static bool Down(HealthSample sample, string check) => check switch
    {
        "database" => sample.Database == "down",
        "storage" => sample.Storage == "down",
        "signalr" => sample.Signalr == "down",
        _ => false,
    };

    /// <summary>
    /// Outbox rows written by <paramref name="until"/> and not handled yet (sent, or refused for good): what the fault
    /// left for the dispatcher. Later rows are the load's own, in flight for milliseconds.
    /// </summary>
    private async Task<long> OutboxPendingAsync(DateTimeOffset until, CancellationToken ct)
    {
        try
        {
            await using var connection = new NpgsqlConnection(stack.Services.Postgres.DirectConnectionString + ";Pooling=false;Timeout=3");
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT count(*) FROM outbox_messages WHERE published_at IS NULL AND created_at <= @until", connection);
            command.Parameters.AddWithValue("until", until);
            return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }
        catch (NpgsqlException)
        {
            return -1;
        }
    }

    private async Task<bool> UntilAsync(Func<Task<bool>> condition, CancellationToken ct) =>
        await Deadline.UntilAsync(async () => await condition() ? true : (bool?)null, options.RecoveryTimeout, Poll, ct) is true;
}
