using System.Text.Json;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Realtime;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Calls;

/// <summary>
/// Relays WebRTC signalling (<c>callSignal</c> hub method, or <c>POST /api/calls/{callId}/signal</c>): accepted only
/// from a participant of a ringing or active call, delivered only to the other participant as <c>call.signal</c>,
/// size- and rate-limited. Signals are passing state (not in the change log): a client that missed one renegotiates.
/// </summary>
public sealed class CallSignals(DistaHilarDbContext db, SignalDelivery delivery) : IHubMethod
{
    public const string Method = "callSignal";

    public string Name => Method;

    public string Usage => "{callId, toUserId, kind, payload}";

    public Task<Result<Done>> InvokeAsync(Guid userId, string connectionId, JsonElement argument, CancellationToken ct) => RelayAsync(userId, argument, ct);

    public const string Event = "call.signal";

    public async Task<Result<Done>> RelayAsync(Guid userId, JsonElement argument, CancellationToken ct) =>
        SignalDelivery.Parse<CallSignalRequest>(argument) is { } request
            ? await RelayAsync(userId, request, ct)
            : Problem.Validation("arguments", "Expected one argument {callId, toUserId, kind, payload}.");

    public async Task<Result<Done>> RelayAsync(Guid userId, CallSignalRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Validate(delivery.MaxPayloadBytes) is { } invalid)
        {
            return invalid;
        }

        var to = request.ToUserId!.Value;
        var live = await db.Calls.AnyAsync(
            c => c.Id == request.CallId
                && (c.Status == CallStatus.Ringing || c.Status == CallStatus.Active)
                && ((c.CallerId == userId && c.CalleeId == to) || (c.CalleeId == userId && c.CallerId == to)),
            ct);

        // Not a participant, not the other participant, or the call is over: all look the same from outside.
        return live
            ? await delivery.DeliverAsync(userId, to, Event, new CallSignal(request.CallId!.Value, userId, request.Kind!, request.Payload!.Value), ct)
            : Problem.NotFound("The call");
    }
}
