using System.Text.Json;
using DistaHilar.Core.Common;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.RateLimiting;
using DistaHilar.Core.Realtime;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Calls;

/// <summary>
/// What call and live-room signalling share: reading a hub method's argument, and delivering a checked signal to one
/// user as passing state (not in the change log), under one per-user rate limit.
/// </summary>
public sealed class SignalDelivery(WritePipeline pipeline, RealtimeEvents events, RateLimiter limiter, IOptions<CallOptions> options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public int MaxPayloadBytes => options.Value.MaxSignalBytes;

    /// <summary>The hub method's one argument as <typeparamref name="T"/>, or null when it is not that object.</summary>
    public static T? Parse<T>(JsonElement argument)
        where T : class
    {
        try
        {
            return argument.ValueKind == JsonValueKind.Object ? argument.Deserialize<T>(Json) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async Task<Result<Done>> DeliverAsync(Guid fromUserId, Guid toUserId, string eventName, object signal, CancellationToken ct)
    {
        if (await limiter.CheckAsync([new RateLimit($"signal:{fromUserId:N}", options.Value.SignalsPerMinute)], TimeSpan.FromMinutes(1), ct) is { } retryAfter)
        {
            return Problem.RateLimited(retryAfter);
        }

        return await pipeline.SaveAsync(() => events.ToUserTransient(toUserId, eventName, signal), ct);
    }
}
