using System.Diagnostics.Metrics;

namespace DistaHilar.Core.Telemetry;

/// <summary>
/// The app's own metrics, on one meter (<see cref="MeterName"/>): every instrument's name is here. Counters and the
/// histogram cost an interlocked add when nothing listens; the backlog gauge reads a value the outbox dispatcher
/// stored, so collecting it never queries the database.
/// </summary>
public sealed class AppMetrics : IDisposable
{
    public const string MeterName = "DistaHilar";

    /// <summary>Messages a send or a forward created (a retry that finds its first copy is not counted).</summary>
    public const string MessagesSent = "distahilar.messages.sent";

    /// <summary>Outbox rows the SignalR Service accepted: events sent, group changes made, connections closed.</summary>
    public const string EventsPublished = "distahilar.events.published";

    /// <summary>Outbox rows the SignalR Service did not take: <c>outcome</c> retry (left for the dispatcher) or dropped (refused for good).</summary>
    public const string EventsFailed = "distahilar.events.publish_failures";

    /// <summary>Requests answered 429 (an abuse limit, the password gate).</summary>
    public const string RateLimitRefusals = "distahilar.rate_limit.refusals";

    /// <summary>Unpublished outbox rows (at most <see cref="BacklogCap"/>), as the outbox dispatcher last counted them.</summary>
    public const string OutboxBacklog = "distahilar.outbox.backlog";

    /// <summary>How long a queue message waited, from its insertion to its function's start (<c>function</c> tag).</summary>
    public const string QueueMessageAge = "distahilar.queue.message_age";

    /// <summary>The most rows the backlog count reads: past that the gauge says "at least this many".</summary>
    public const int BacklogCap = 100_000;

    private readonly Meter meter;
    private readonly Counter<long> messagesSent;
    private readonly Counter<long> eventsPublished;
    private readonly Counter<long> eventsFailed;
    private readonly Counter<long> rateLimitRefusals;
    private readonly Histogram<double> queueMessageAge;
    private long backlog = -1;

    public AppMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        meter = meters.Create(MeterName);
        messagesSent = meter.CreateCounter<long>(MessagesSent, "{message}", "Messages created by sends and forwards");
        eventsPublished = meter.CreateCounter<long>(EventsPublished, "{event}", "Outbox rows the SignalR Service accepted");
        eventsFailed = meter.CreateCounter<long>(EventsFailed, "{event}", "Outbox rows the SignalR Service did not take");
        rateLimitRefusals = meter.CreateCounter<long>(RateLimitRefusals, "{request}", "Requests refused with 429");
        queueMessageAge = meter.CreateHistogram<double>(QueueMessageAge, "s", "Time from a queue message's insertion to its processing");
        meter.CreateObservableGauge(OutboxBacklog, ObserveBacklog, "{event}", "Unpublished outbox rows, as last counted by the dispatcher");
    }

    public void MessageSent(int count, string kind) => messagesSent.Add(count, new KeyValuePair<string, object?>("kind", kind));

    public void EventPublished(string kind) => eventsPublished.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void EventFailed(string kind, bool dropped) =>
        eventsFailed.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", dropped ? "dropped" : "retry"));

    public void RateLimitRefused() => rateLimitRefusals.Add(1);

    public void QueueMessageWaited(string function, TimeSpan age) =>
        queueMessageAge.Record(Math.Max(age.TotalSeconds, 0), new KeyValuePair<string, object?>("function", function));

    /// <summary>What the outbox dispatcher counted; the gauge reports nothing until it first runs.</summary>
    public void OutboxBacklogCounted(long rows) => Interlocked.Exchange(ref backlog, rows);

    public void Dispose() => meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveBacklog()
    {
        var rows = Interlocked.Read(ref backlog);
        return rows < 0 ? [] : [new Measurement<long>(rows)];
    }
}
