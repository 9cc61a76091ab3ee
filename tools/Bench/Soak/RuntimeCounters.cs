using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace DistaHilar.Bench.Soak;

/// <summary>
/// The worker's runtime counters (the <c>System.Runtime</c> EventSource, what <c>dotnet-counters</c> shows) read
/// over EventPipe from outside the process, every <see cref="Interval"/>: the GC heap, the thread pool. Each counter
/// keeps the lowest and the last value since <see cref="TakeWindow"/>: the GC heap's lowest value in a window is its
/// floor after collections, the figure that grows when something leaks.
/// </summary>
internal sealed class RuntimeCounters : IDisposable
{
    public const string GcHeap = "gc-heap-size";
    public const string ThreadPoolThreads = "threadpool-thread-count";
    public const string Gen2Collections = "gen-2-gc-count";

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private readonly EventPipeSession session;
    private readonly Task reading;
    private ConcurrentDictionary<string, (double Min, double Last)> window = new();

    private RuntimeCounters(EventPipeSession session)
    {
        this.session = session;
        reading = Task.Run(Read);
    }

    /// <summary>Starts reading the counters of process <paramref name="pid"/>; null (and why) if it cannot be attached to.</summary>
    public static RuntimeCounters? TryStart(int pid, out string? why)
    {
        try
        {
            var provider = new EventPipeProvider(
                "System.Runtime", EventLevel.Informational, (long)EventKeywords.None,
                new Dictionary<string, string> { ["EventCounterIntervalSec"] = Interval.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            why = null;
            return new RuntimeCounters(new DiagnosticsClient(pid).StartEventPipeSession(provider, requestRundown: false));
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or TimeoutException or IOException)
        {
            why = e.Message;
            return null;
        }
    }

    /// <summary>Each counter's (lowest, last) value since the previous call.</summary>
    public IReadOnlyDictionary<string, (double Min, double Last)> TakeWindow() => Interlocked.Exchange(ref window, new());

    public void Dispose()
    {
        try
        {
            session.Stop();
        }
        catch (Exception e) when (e is ServerNotAvailableException or IOException or TimeoutException)
        {
            // The worker is gone already.
        }

        reading.Wait(TimeSpan.FromSeconds(5));
        session.Dispose();
    }

    private void Read()
    {
        using var source = new EventPipeEventSource(session.EventStream);
        source.Dynamic.All += e =>
        {
            if (e.EventName != "EventCounters" || e.PayloadValue(0) is not IDictionary<string, object> payload
                || payload.TryGetValue("Payload", out var inner) is false || inner is not IDictionary<string, object> counter)
            {
                return;
            }

            var name = counter.TryGetValue("Name", out var n) ? n as string : null;
            // Polling counters have a Mean; incrementing ones an Increment over the interval.
            var value = counter.TryGetValue("Mean", out var mean) ? mean : counter.TryGetValue("Increment", out var increment) ? increment : null;
            if (name is not null && value is not null)
            {
                var v = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
                window.AddOrUpdate(name, (v, v), (_, old) => (Math.Min(old.Min, v), v));
            }
        };
        try
        {
            source.Process();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or EndOfStreamException)
        {
            // The session ended.
        }
    }
}
