using System.Collections.Concurrent;
using System.Net;
using DistaHilar.Tests.Telemetry.Otlp;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DistaHilar.Tests.Telemetry;

/// <summary>A span as received, with the scope (instrumentation) that made it.</summary>
public sealed record ReceivedSpan(string Scope, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, IReadOnlyDictionary<string, string> Attributes)
{
    public override string ToString() => $"{Scope} '{Name}' trace {TraceId} span {SpanId} parent {ParentSpanId}";
}

/// <summary>A metric data point as received: a counter's or gauge's value, a histogram's count.</summary>
public sealed record ReceivedPoint(string Metric, double Value, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// A minimal OTLP/HTTP (protobuf) collector on 127.0.0.1: what an app's OTLP exporter sends to
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> with <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c> (traces to /v1/traces,
/// metrics to /v1/metrics, logs to /v1/logs, taken and ignored) is kept for the test to read.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedSpan> spans = new();
    private readonly ConcurrentQueue<ReceivedPoint> points = new();

    private OtlpReceiver(WebApplication app) => this.app = app;

    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<ReceivedSpan> Spans => [.. spans];

    public IReadOnlyList<ReceivedPoint> Points => [.. points];

    public static async Task<OtlpReceiver> StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var receiver = new OtlpReceiver(builder.Build());
        receiver.app.MapPost("/v1/traces", async (HttpRequest request) => receiver.Take(ExportTraceServiceRequest.Parser.ParseFrom(await BodyAsync(request))));
        receiver.app.MapPost("/v1/metrics", async (HttpRequest request) => receiver.Take(ExportMetricsServiceRequest.Parser.ParseFrom(await BodyAsync(request))));
        receiver.app.MapPost("/v1/logs", () => Empty());
        await receiver.app.StartAsync(ct);
        receiver.Endpoint = new Uri(receiver.app.Urls.First());
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
    }

    private static async Task<byte[]> BodyAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
        return body.ToArray();
    }

    /// <summary>An empty export response (every field default) is a full success.</summary>
    private static IResult Empty() => Results.Bytes([], "application/x-protobuf");

    private static Dictionary<string, string> Attributes(IEnumerable<KeyValue> attributes) =>
        attributes.GroupBy(a => a.Key).ToDictionary(g => g.Key, g => Text(g.Last().Value));

    private static string Text(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "",
    };

    private static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);

    private IResult Take(ExportTraceServiceRequest request)
    {
        foreach (var scope in request.ResourceSpans.SelectMany(r => r.ScopeSpans))
        {
            foreach (var span in scope.Spans)
            {
                spans.Enqueue(new ReceivedSpan(scope.Scope?.Name ?? "", Hex(span.TraceId), Hex(span.SpanId), Hex(span.ParentSpanId), span.Name, span.Kind, Attributes(span.Attributes)));
            }
        }

        return Empty();
    }

    private IResult Take(ExportMetricsServiceRequest request)
    {
        foreach (var metric in request.ResourceMetrics.SelectMany(r => r.ScopeMetrics).SelectMany(s => s.Metrics))
        {
            var received = metric.DataCase switch
            {
                Metric.DataOneofCase.Sum => metric.Sum.DataPoints.Select(p => new ReceivedPoint(metric.Name, Number(p), Attributes(p.Attributes))),
                Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints.Select(p => new ReceivedPoint(metric.Name, Number(p), Attributes(p.Attributes))),
                Metric.DataOneofCase.Histogram => metric.Histogram.DataPoints.Select(p => new ReceivedPoint(metric.Name, p.Count, Attributes(p.Attributes))),
                _ => [],
            };
            foreach (var point in received)
            {
                points.Enqueue(point);
            }
        }

        return Empty();
    }

    private static double Number(NumberDataPoint point) => point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble;
}
