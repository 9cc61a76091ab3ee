using System.Text.Json;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.RateLimiting;
using DistaHilar.Core.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Calls;

/// <summary>
/// Relays WebRTC signalling (<c>callSignal</c> hub method, or <c>POST /api/calls/{callId}/signal</c>): accepted only
/// from a participant of a ringing or active call, delivered only to the other participant as <c>call.signal</c>,
/// size- and rate-limited. Signals are passing state (not in the change log): a client that missed one renegotiates.
/// </summary>
public sealed class CallSignals(DistaHilarDbContext db, RealtimeEvents events, RateLimiter limiter, IOptions<CallOptions> options)
{
    public const string Method = "callSignal";
    public const string Event = "call.signal";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Result<Done>> RelayAsync(Guid userId, JsonElement argument, CancellationToken ct)
    {
        CallSignalRequest? request;
        try
        {
            request = argument.ValueKind == JsonValueKind.Object ? argument.Deserialize<CallSignalRequest>(Json) : null;
        }
        catch (JsonException)
        {
            request = null;
        }

        return request is null
            ? Problem.Validation("arguments", "Expected one argument {callId, toUserId, kind, payload}.")
            : await RelayAsync(userId, request, ct);
    }

    public async Task<Result<Done>> RelayAsync(Guid userId, CallSignalRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Validate(options.Value.MaxSignalBytes) is { } invalid)
        {
            return invalid;
        }

        var to = request.ToUserId!.Value;
        var live = await db.Calls.AnyAsync(
            c => c.Id == request.CallId
                && (c.Status == CallStatus.Ringing || c.Status == CallStatus.Active)
                && ((c.CallerId == userId && c.CalleeId == to) || (c.CalleeId == userId && c.CallerId == to)),
            ct);
        if (!live)
        {
            // Not a participant, not the other participant, or the call is over: all look the same from outside.
            return Problem.NotFound("The call");
        }

        if (await limiter.CheckAsync([new RateLimit($"call-signal:{userId:N}", options.Value.SignalsPerMinute)], TimeSpan.FromMinutes(1), ct) is { } retryAfter)
        {
            return Problem.RateLimited(retryAfter);
        }

        events.ToUserTransient(to, Event, new CallSignal(request.CallId!.Value, userId, request.Kind!, request.Payload!.Value));
        await db.SaveChangesAsync(ct);
        await events.PublishAsync(ct);
        return Done.Value;
    }
}
