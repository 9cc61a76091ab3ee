using System.Text.Json;
using DistaHilar.Core.Calls;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.LiveRooms;
using DistaHilar.Core.Realtime;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Calls;

/// <summary>
/// <c>liveSignal</c>: WebRTC signalling between two participants of the same live room (both still members of its
/// chat), delivered to the one addressed as <c>live.signal</c>; the same size and rate limits as call signals.
/// </summary>
public sealed class LiveSignals(DistaHilarDbContext db, SignalDelivery delivery) : IHubMethod
{
    public const string Method = "liveSignal";

    public string Name => Method;

    public string Usage => "{chatId, toUserId, kind, payload}";

    public Task<Result<Done>> InvokeAsync(Guid userId, string connectionId, JsonElement argument, CancellationToken ct) => RelayAsync(userId, argument, ct);

    public const string Event = "live.signal";

    public async Task<Result<Done>> RelayAsync(Guid userId, JsonElement argument, CancellationToken ct)
    {
        if (SignalDelivery.Parse<LiveSignalRequest>(argument) is not { } request)
        {
            return Problem.Validation("arguments", "Expected one argument {chatId, toUserId, kind, payload}.");
        }

        // The same rules as a call's signal, with the room's chat in place of the call.
        if (new CallSignalRequest(request.ChatId, request.ToUserId, request.Kind, request.Payload).Validate(delivery.MaxPayloadBytes) is { } invalid)
        {
            return invalid;
        }

        var (chatId, to) = (request.ChatId!.Value, request.ToUserId!.Value);
        var both = to != userId && await db.LiveParticipants
            .CountAsync(p => p.ChatId == chatId && (p.UserId == userId || p.UserId == to) && db.ChatMembers.Any(m => m.ChatId == chatId && m.UserId == p.UserId), ct) == 2;
        return both
            ? await delivery.DeliverAsync(userId, to, Event, new LiveSignal(chatId, userId, request.Kind!, request.Payload!.Value), ct)
            : Problem.NotFound("The live room");
    }
}
