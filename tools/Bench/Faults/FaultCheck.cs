using System.Globalization;

namespace DistaHilar.Bench.Faults;

/// <summary>What one member's device ended up with: its chat and the messages it has, by id.</summary>
internal sealed record MemberRecord(int Chat, string Name, IReadOnlyDictionary<Guid, MessageSeen> Seen);

/// <summary>
/// Checks a fault run's history, Jepsen-style, after the fact: every acknowledged message is still in its chat's
/// history once the run is over, and reached every member of its chat, once per id, with one message per number and numbers without gaps, numbered in the order they were
/// acknowledged; no request hung; outside the faults everything succeeded, and inside them the only failures were
/// 503 problem+json with Retry-After (or, while the worker was gone, no answer at all); each outage was reported by
/// <c>/api/health</c>, and the app recovered within the deadline. Each broken rule is one line of the result.
/// </summary>
internal static class FaultCheck
{
    private const int Examples = 3;

    public static IReadOnlyList<string> Violations(
        IReadOnlyCollection<Attempt> attempts,
        IReadOnlyCollection<Acknowledged> acknowledged,
        IReadOnlyCollection<HealthSample> health,
        IReadOnlyList<MemberRecord> members,
        IReadOnlyDictionary<int, IReadOnlySet<Guid>> stored,
        IReadOnlyList<FaultWindow> windows,
        int givenUp)
    {
        var violations = new List<string>();
        Requests(attempts, windows, violations);
        Messages(acknowledged, members, stored, violations);
        Recovery(health, windows, violations);
        if (givenUp > 0)
        {
            violations.Add(Say($"{givenUp} sends were never acknowledged (given up)"));
        }

        return violations;
    }

    private static void Requests(IReadOnlyCollection<Attempt> attempts, IReadOnlyList<FaultWindow> windows, List<string> violations)
    {
        var hangs = attempts.Where(a => a.TimedOut).ToList();
        if (hangs.Count > 0)
        {
            violations.Add(Say($"{hangs.Count} requests got no answer within the client's timeout (a hang), e.g. {Describe(hangs)}"));
        }

        var steady = attempts.Where(a => !a.Succeeded && !a.TimedOut && WindowOf(a, windows) is null).ToList();
        if (steady.Count > 0)
        {
            violations.Add(Say($"{steady.Count} requests failed outside any fault, e.g. {Describe(steady)}"));
        }

        foreach (var window in windows)
        {
            var wrong = attempts
                .Where(a => !a.Succeeded && !a.TimedOut && WindowOf(a, windows) == window && !Allowed(a, window))
                .ToList();
            if (wrong.Count > 0)
            {
                violations.Add(Say($"{window.Fault}: {wrong.Count} failures were not a 503 problem+json with Retry-After, e.g. {Describe(wrong)}"));
            }
        }
    }

    // With the worker gone there is no process to answer; the host's front end is restarting with it.
    private static bool Allowed(Attempt attempt, FaultWindow window) =>
        attempt is { Status: 503, Problem: true, RetryAfter: true } || (attempt.Status == 0 && window.Silent);

    private static FaultWindow? WindowOf(Attempt attempt, IReadOnlyList<FaultWindow> windows) =>
        windows.FirstOrDefault(w => attempt.Start <= w.RecoveredAt && attempt.End >= w.InjectedAt);

    private static void Messages(IReadOnlyCollection<Acknowledged> acknowledged, IReadOnlyList<MemberRecord> members, IReadOnlyDictionary<int, IReadOnlySet<Guid>> stored, List<string> violations)
    {
        // One clientMessageId is one message, however often it was retried.
        var doubled = acknowledged.GroupBy(a => a.ClientMessageId).Where(g => g.Select(a => a.MessageId).Distinct().Count() > 1).ToList();
        if (doubled.Count > 0)
        {
            violations.Add(Say($"{doubled.Count} clientMessageIds became more than one message, e.g. {doubled[0].Key}"));
        }

        foreach (var chat in acknowledged.GroupBy(a => a.Chat).OrderBy(g => g.Key))
        {
            var chatId = chat.First().ChatId;
            var acks = chat.DistinctBy(a => a.MessageId).OrderBy(a => a.At).ToList();
            var outOfOrder = acks.Zip(acks.Skip(1)).Count(p => p.Second.Seq <= p.First.Seq);
            if (outOfOrder > 0)
            {
                violations.Add(Say($"chat {chat.Key}: {outOfOrder} messages were numbered below one acknowledged before them"));
            }

            // What a crash must never do: take back a commit it had acknowledged.
            var gone = acks.Where(a => !stored.TryGetValue(chat.Key, out var ids) || !ids.Contains(a.MessageId)).ToList();
            if (gone.Count > 0)
            {
                violations.Add(Say($"chat {chat.Key}: {gone.Count} acknowledged messages are gone from its history, e.g. seq {gone[0].Seq} ({gone[0].MessageId})"));
            }

            var chatMembers = members.Where(m => m.Chat == chat.Key).ToList();
            foreach (var member in chatMembers)
            {
                var lost = acks.Where(a => !member.Seen.ContainsKey(a.MessageId)).ToList();
                if (lost.Count > 0)
                {
                    violations.Add(Say($"chat {chat.Key}: {member.Name} never got {lost.Count} acknowledged messages, e.g. seq {lost[0].Seq} ({lost[0].MessageId})"));
                }
            }

            // What any device has (acknowledged or not: a send whose answer was lost) every device of the chat must have.
            var everything = chatMembers.SelectMany(m => m.Seen.Where(s => s.Value.ChatId == chatId)).GroupBy(s => s.Key).ToList();
            var partial = everything.Count(g => g.Count() < chatMembers.Count);
            if (partial > 0)
            {
                violations.Add(Say($"chat {chat.Key}: {partial} messages reached some members and not others"));
            }

            var numbers = everything.Select(g => (Id: g.Key, g.First().Value.Seq))
                .Concat(acks.Select(a => (Id: a.MessageId, a.Seq)))
                .Distinct().ToList();
            var conflicting = numbers.GroupBy(n => n.Id).Count(g => g.Count() > 1) + numbers.GroupBy(n => n.Seq).Count(g => g.Count() > 1);
            if (conflicting > 0)
            {
                violations.Add(Say($"chat {chat.Key}: {conflicting} message numbers (seq) were given twice or changed"));
            }

            var seqs = numbers.Select(n => n.Seq).Distinct().Order().ToList();
            var gaps = seqs.Count == 0 ? 0 : seqs[^1] - seqs[0] + 1 - seqs.Count;
            if (gaps > 0)
            {
                violations.Add(Say($"chat {chat.Key}: {gaps} message numbers missing between {seqs[0]} and {seqs[^1]}"));
            }
        }
    }

    private static void Recovery(IReadOnlyCollection<HealthSample> health, IReadOnlyList<FaultWindow> windows, List<string> violations)
    {
        foreach (var w in windows)
        {
            if (w.HealthSaidDownAfter is null && w.HealthCheck is not null)
            {
                violations.Add(Say($"{w.Fault}: /api/health never reported {w.HealthCheck} down during the outage ({health.Count(h => h.At >= w.InjectedAt && h.At <= w.RestoredAt)} probes)"));
            }

            string?[] missing =
            [
                w.FirstSendAfter is null ? "no send succeeded" : null,
                w.AllDeliveredAfter is null ? "not every acknowledged message reached every member" : null,
                w.OutboxDrainedAfter is null ? "the outbox did not drain" : null,
                w.CallMissedAfter is null ? "the call whose ring timeout fell in the outage never became missed" : null,
                w.MediaReadyAfter is null ? "an upload after it was never processed" : null,
            ];
            foreach (var what in missing.OfType<string>())
            {
                violations.Add(Say($"{w.Fault}: {what} within the recovery deadline"));
            }
        }
    }

    private static string Describe(IReadOnlyList<Attempt> attempts) =>
        string.Join("; ", attempts.Take(Examples).Select(a => string.Create(
            CultureInfo.InvariantCulture,
            $"{a.Kind} at {a.Start:0.00} s: {(a.Status == 0 ? a.Failure : a.Status.ToString(CultureInfo.InvariantCulture) + (a.Problem ? " problem+json" : "") + (a.RetryAfter ? " Retry-After" : ""))} after {a.Ms:0} ms")));

    private static string Say(FormattableString text) => FormattableString.Invariant(text);
}
