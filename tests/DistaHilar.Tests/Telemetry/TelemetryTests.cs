using System.Net;
using DistaHilar.Dev;
using DistaHilar.LocalServices;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using DistaHilar.Tests.Realtime;

namespace DistaHilar.Tests.Telemetry;

/// <summary>
/// The worker's OpenTelemetry, exported over OTLP/HTTP to a receiver in the test (as to a collector): a send is one
/// trace — the function's span with its database commands and the SignalR Service publish beneath it — and the
/// app's metrics arrive.
/// </summary>
public sealed class TelemetryTests
{
    private const string WorkerScope = "Microsoft.Azure.Functions.Worker";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_send_is_one_trace_with_its_database_calls_and_publish_and_the_app_metrics_are_exported()
    {
        await using var receiver = await OtlpReceiver.StartAsync(Ct);
        var settings = new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["RateLimits__Searches__Burst"] = "1",
            ["RateLimits__Searches__PerMinute"] = "1",
        };
        await using var stack = await DevEnvironment.StartAsync(
            TestEnvironment.FunctionsAppDirectory, httpPort: 0, TestEnvironment.LoggerFactory, readLocalSettings: false, settings, PostgresDurability.Fast, webClient: null, Ct);
        using var http = AccountsApi.Client(stack.Host.BaseAddress);
        var alice = await ChatUser.RegisterAsync(http);
        var bob = await ChatUser.RegisterAsync(http);
        await using var bobEvents = await EventProbe.ConnectAsync(stack.Host.BaseAddress, bob.Token);
        var dialog = (await alice.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/chats/dialogs", new { userId = bob.Id })).GetProperty("id").GetGuid();
        var sent = await alice.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{dialog}/messages", new { clientMessageId = Guid.NewGuid().ToString(), text = "traced" });
        var messageId = sent.GetProperty("id").GetGuid();
        await bobEvents.WaitForAsync("message.created", e => e.GetProperty("data").GetProperty("id").GetGuid() == messageId);
        await bob.ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/chats/{dialog}/read", new { upToMessageId = messageId });
        await bob.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/chats/search?q=a");
        await bob.ExpectAsync(HttpStatusCode.TooManyRequests, HttpMethod.Get, "api/chats/search?q=b");

        // The send's trace: the worker's invocation span, and beneath it Npgsql's command and the publish's REST call.
        var trace = await ReturnsAsync(
            () => Task.FromResult(SendTrace(receiver.Spans)),
            t => t is { Database: not null, Publish: not null },
            Deadline,
            "the send's trace with a database span and the SignalR publish",
            () => $"received spans: {string.Join(", ", receiver.Spans.Select(s => $"{s.Scope} '{s.Name}'").Distinct())}");
        var (invocation, database, publish, spans) = trace!;
        Assert.All(spans, s => Assert.Equal(invocation.TraceId, s.TraceId));
        Assert.True(Descends(database!, invocation, spans), $"{database} is not beneath {invocation}");
        Assert.True(Descends(publish!, invocation, spans), $"{publish} is not beneath {invocation}");
        Assert.Equal(1, receiver.Spans.Count(s => s.Scope == WorkerScope && s.Name.Contains("SendMessage", StringComparison.Ordinal)));

        // The app's metrics: cumulative sums, so each only grows.
        await MetricAsync(receiver, "distahilar.messages.sent", p => p.Value >= 1 && p.Attributes.GetValueOrDefault("kind") == "send");
        await MetricAsync(receiver, "distahilar.events.published", p => p.Value >= 1);
        await MetricAsync(receiver, "distahilar.rate_limit.refusals", p => p.Value >= 1);
        await MetricAsync(receiver, "distahilar.queue.message_age", p => p.Value >= 1 && p.Attributes.GetValueOrDefault("function") == "ReadStateAggregator");
        await MetricAsync(receiver, "distahilar.outbox.backlog", p => p.Value >= 0);
    }

    private static Task<ReceivedPoint?> MetricAsync(OtlpReceiver receiver, string name, Func<ReceivedPoint, bool> match) =>
        ReturnsAsync(
            () => Task.FromResult(receiver.Points.LastOrDefault(p => p.Metric == name && match(p))),
            p => p is not null,
            Deadline,
            $"metric {name}",
            () => $"received metrics: {string.Join(", ", receiver.Points.Select(p => p.Metric).Distinct())}");

    /// <summary><see cref="Eventually.Returns{T}"/>, whose timeout also says what the receiver has.</summary>
    private static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan timeout, string what, Func<string> received)
    {
        try
        {
            return await Eventually.Returns(probe, condition, timeout, what);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(ex.Message + "; " + received(), ex);
        }
    }

    private static SendSpans? SendTrace(IReadOnlyList<ReceivedSpan> all)
    {
        if (all.FirstOrDefault(s => s.Scope == WorkerScope && s.Name.Contains("SendMessage", StringComparison.Ordinal)) is not { } invocation)
        {
            return null;
        }

        var spans = all.Where(s => s.TraceId == invocation.TraceId).ToList();
        var database = spans.FirstOrDefault(s => s.Scope == "Npgsql");
        var publish = spans.FirstOrDefault(s => s.Scope == "System.Net.Http" && s.Attributes.GetValueOrDefault("url.full", "").Contains("/groups/", StringComparison.Ordinal));
        return new SendSpans(invocation, database, publish, spans);
    }

    private static bool Descends(ReceivedSpan span, ReceivedSpan ancestor, IReadOnlyList<ReceivedSpan> trace)
    {
        for (var current = span; current is not null; current = trace.FirstOrDefault(s => s.SpanId == current.ParentSpanId))
        {
            if (current.ParentSpanId == ancestor.SpanId)
            {
                return true;
            }
        }

        return false;
    }

    private sealed record SendSpans(ReceivedSpan Invocation, ReceivedSpan? Database, ReceivedSpan? Publish, IReadOnlyList<ReceivedSpan> Spans);
}
