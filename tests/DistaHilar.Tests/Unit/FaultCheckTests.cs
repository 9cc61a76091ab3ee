using DistaHilar.Bench.Faults;

namespace DistaHilar.Tests.Unit;

/// <summary>The fault run's history check on small made-up histories: each rule it must enforce, broken once.</summary>
public sealed class FaultCheckTests
{
    private static readonly Guid ChatId = Guid.NewGuid();

    private static readonly FaultWindow Outage = new(
        "postgres", "test", "database", Silent: false, InjectedAt: 10, RestoredAt: 20, HealthSaidDownAfter: 0.2, FirstSendAfter: 0.5,
        AllDeliveredAfter: 0.6, OutboxDrainedAfter: 1, CallMissedAfter: 0.1, MediaReadyAfter: 1, Requests: 0, Succeeded: 0, Unavailable: 0, NoAnswer: 0, Other: 0);

    [Fact]
    public void A_clean_history_passes()
    {
        var (acks, members, stored) = Chat(3);

        Assert.Empty(Check([Send(1, 201), Send(15, 503), Send(22, 201)], acks, members, stored));
    }

    [Fact]
    public void An_acknowledged_message_a_member_never_got_is_lost()
    {
        var (acks, members, stored) = Chat(3);
        var partial = members[1].Seen.Where(s => s.Key != acks[1].MessageId).ToDictionary();

        var violations = Check([], acks, [members[0], members[1] with { Seen = partial }], stored);

        Assert.Contains(violations, v => v.Contains("never got 1 acknowledged", StringComparison.Ordinal));
    }

    [Fact]
    public void An_acknowledged_message_gone_from_the_history_is_lost_even_if_every_member_got_it()
    {
        var (acks, members, _) = Chat(3);
        var stored = new Dictionary<int, IReadOnlySet<Guid>> { [0] = acks.Take(2).Select(a => a.MessageId).ToHashSet() };

        Assert.Contains(Check([], acks, members, stored), v => v.Contains("gone from its history", StringComparison.Ordinal));
    }

    [Fact]
    public void One_clientMessageId_acknowledged_as_two_messages_is_a_duplicate()
    {
        var (acks, members, stored) = Chat(2);
        var again = acks[1] with { ClientMessageId = acks[0].ClientMessageId };

        Assert.Contains(Check([], [acks[0], again], members, stored), v => v.Contains("more than one message", StringComparison.Ordinal));
    }

    [Fact]
    public void A_reused_message_number_and_a_gap_are_found()
    {
        var (acks, members, stored) = Chat(3);
        Acknowledged[] renumbered = [acks[0], acks[1] with { Seq = 1 }, acks[2] with { Seq = 5 }];

        var violations = Check([], renumbered, members, stored);

        Assert.Contains(violations, v => v.Contains("given twice or changed", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("1 message numbers missing between 1 and 5", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(500, true, true, "not a 503")]
    [InlineData(503, false, true, "not a 503")]
    [InlineData(503, true, false, "not a 503")]
    public void Inside_an_outage_only_a_503_problem_with_Retry_After_is_allowed(int status, bool problem, bool retryAfter, string expected)
    {
        var (acks, members, stored) = Chat(1);

        var violations = Check([new Attempt(Attempt.Send, 12, 5, status, null, problem, retryAfter)], acks, members, stored);

        Assert.Contains(violations, v => v.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Outside_an_outage_any_failure_and_anywhere_a_hang_are_violations()
    {
        var (acks, members, stored) = Chat(1);
        Attempt[] attempts = [Send(2, 503), new Attempt(Attempt.Send, 14, 30_000, 0, Attempt.TimeoutFailure, false, false)];

        var violations = Check(attempts, acks, members, stored);

        Assert.Contains(violations, v => v.Contains("outside any fault", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("a hang", StringComparison.Ordinal));
    }

    [Fact]
    public void An_outage_health_never_reported_and_a_recovery_that_never_came_are_violations()
    {
        var (acks, members, stored) = Chat(1);
        var unseen = Outage with { HealthSaidDownAfter = null, OutboxDrainedAfter = null };

        var violations = FaultCheck.Violations([], acks, [], members, stored, [unseen], givenUp: 0);

        Assert.Contains(violations, v => v.Contains("never reported database down", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("outbox did not drain", StringComparison.Ordinal));
    }

    private static IReadOnlyList<string> Check(Attempt[] attempts, IReadOnlyList<Acknowledged> acks, IReadOnlyList<MemberRecord> members, IReadOnlyDictionary<int, IReadOnlySet<Guid>> stored) =>
        FaultCheck.Violations(attempts, [.. acks], [], members, stored, [Outage], givenUp: 0);

    private static Attempt Send(double at, int status) =>
        new(Attempt.Send, at, 5, status, null, Problem: status >= 400, RetryAfter: status == 503);

    /// <summary>A chat of two members who both got <paramref name="count"/> messages, numbered 1.., all stored.</summary>
    private static (List<Acknowledged> Acks, List<MemberRecord> Members, Dictionary<int, IReadOnlySet<Guid>> Stored) Chat(int count)
    {
        var acks = Enumerable.Range(1, count).Select(i => new Acknowledged(0, ChatId, Guid.NewGuid(), Guid.NewGuid(), i, At: i * 5)).ToList();
        var seen = acks.ToDictionary(a => a.MessageId, a => new MessageSeen(ChatId, a.Seq, Live: true, At: 0));
        return (acks, [new MemberRecord(0, "a", seen), new MemberRecord(0, "b", seen)], new() { [0] = acks.Select(a => a.MessageId).ToHashSet() });
    }
}
