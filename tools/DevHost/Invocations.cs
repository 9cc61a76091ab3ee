using System.Diagnostics;
using System.Text.Json;
using DistaHilar.DevHost.Rpc;

namespace DistaHilar.DevHost;

/// <summary>Builds InvocationRequests the way the Functions host shapes them.</summary>
internal static class Invocations
{
    public static InvocationRequest New(FunctionDescriptor function, string invocationId, TypedData triggerValue)
    {
        var request = new InvocationRequest
        {
            InvocationId = invocationId,
            FunctionId = function.FunctionId,
            // The worker dereferences trace_context unconditionally, so it is always sent.
            TraceContext = new RpcTraceContext { TraceParent = TraceParent() },
        };
        request.InputData.Add(new ParameterBinding { Name = function.Trigger.ParameterName, Data = triggerValue });
        return request;
    }

    /// <summary>Text that is a JSON object or array goes as json (for POCO binding), anything else as a string.</summary>
    public static TypedData Payload(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.Length > 0 && (trimmed[0] == '{' || trimmed[0] == '['))
        {
            try
            {
                using var _ = JsonDocument.Parse(text);
                return new TypedData { Json = text };
            }
            catch (JsonException)
            {
                // Not JSON after all: a plain string.
            }
        }

        return new TypedData { String = text };
    }

    public static TypedData Json<T>(T value) => new() { Json = JsonSerializer.Serialize(value) };

    /// <summary>
    /// The caller's trace when its request carried one (the request's activity continues it, with the caller's
    /// sampling decision); otherwise a new trace that is recorded, as the Functions host starts one per invocation.
    /// The DevHost's own activities are never recorded (nothing listens to them), so passing one of those would tell
    /// the worker's parent-based sampler to drop every invocation's spans.
    /// </summary>
    private static string TraceParent() =>
        Activity.Current is { ParentId: not null, IdFormat: ActivityIdFormat.W3C } current ? current.Id! : NewTraceParent();

    private static string NewTraceParent() => $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01";
}
