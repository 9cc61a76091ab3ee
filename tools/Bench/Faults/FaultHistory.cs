using System.Collections.Concurrent;
using System.Diagnostics;

namespace DistaHilar.Bench.Faults;

/// <summary>
/// What the load did and saw, for the check afterwards: every request (sends, reads, health probes) with its
/// answer, and every acknowledged send. Times are seconds since the run's start.
/// </summary>
internal sealed class FaultHistory
{
    private readonly long started = Stopwatch.GetTimestamp();
    private readonly ConcurrentQueue<Attempt> attempts = new();
    private readonly ConcurrentQueue<Acknowledged> acknowledged = new();
    private readonly ConcurrentQueue<HealthSample> health = new();

    public IReadOnlyCollection<Attempt> Attempts => attempts;

    public IReadOnlyCollection<Acknowledged> Acknowledged => acknowledged;

    public IReadOnlyCollection<HealthSample> Health => health;

    /// <summary>Now, in seconds since the run started.</summary>
    public double Now => Seconds(Stopwatch.GetTimestamp());

    public double Seconds(long timestamp) => Stopwatch.GetElapsedTime(started, timestamp).TotalSeconds;

    public void Add(Attempt attempt) => attempts.Enqueue(attempt);

    public void Add(Acknowledged ack) => acknowledged.Enqueue(ack);

    public void Add(HealthSample sample) => health.Enqueue(sample);
}

/// <summary>
/// One request. <paramref name="Status"/> 0: no answer (<paramref name="Failure"/> says why: the connection, or
/// the client's timeout). <paramref name="Problem"/>: an application/problem+json body; <paramref name="RetryAfter"/>:
/// the header was there.
/// </summary>
internal sealed record Attempt(string Kind, double Start, double Ms, int Status, string? Failure, bool Problem, bool RetryAfter)
{
    public const string Send = "send";
    public const string Read = "read";

    public bool Succeeded => Status is >= 200 and < 300;

    public bool TimedOut => Failure == TimeoutFailure;

    public const string TimeoutFailure = "timeout";

    public double End => Start + (Ms / 1000);
}

/// <summary>A send the API acknowledged (2xx): which message it became.</summary>
internal sealed record Acknowledged(int Chat, Guid ChatId, Guid ClientMessageId, Guid MessageId, long Seq, double At);

/// <summary>One <c>GET /api/health</c>: its status (0: no answer) and the checks it reported.</summary>
internal sealed record HealthSample(double At, int Status, string? Database, string? Storage, string? Signalr);
