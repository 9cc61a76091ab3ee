using System.Text.Json;
using DistaHilar.Core.Calls;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.RateLimiting;
using DistaHilar.Core.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.LiveRooms;

/// <summary>
/// <c>liveSignal</c>: WebRTC signalling between two participants of the same live room, delivered to the one
/// addressed as <c>live.signal</c>; same size and rate limits as call signals.
/// </summary>
public sealed class LiveSignals(DistaHilarDbContext db, RealtimeEvents events, RateLimiter limiter, IOptions<CallOptions> options)
{
    public const string Method = "liveSignal";
    public const string Event = "live.signal";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Result<Done>> RelayAsync(Guid userId, JsonElement argument, CancellationToken ct)
    {
        LiveSignalRequest? request;
        try
        {
            request = argument.ValueKind == JsonValueKind.Object ? argument.Deserialize<LiveSignalRequest>(Json) : null;
        }
        catch (JsonException)
        {
            request = null;
        }

        if (request is null)
        {
            return Problem.Validation("arguments", "Expected one argument {chatId, toUserId, kind, payload}.");
        }

        // The same rules as a call's signal, with the room's chat in place of the call.
        if (new CallSignalRequest(request.ChatId, request.ToUserId, request.Kind, request.Payload).Validate(options.Value.MaxSignalBytes) is { } invalid)
        {
            return invalid;
        }

        var (chatId, to) = (request.ChatId!.Value, request.ToUserId!.Value);
        // Both in the room, and both still members of its chat.
        var both = to != userId && await db.LiveParticipants
            .CountAsync(p => p.ChatId == chatId && (p.UserId == userId || p.UserId == to) && db.ChatMembers.Any(m => m.ChatId == chatId && m.UserId == p.UserId), ct) == 2;
        if (!both)
        {
            return Problem.NotFound("The live room");
        }

        if (await limiter.CheckAsync([new RateLimit($"call-signal:{userId:N}", options.Value.SignalsPerMinute)], TimeSpan.FromMinutes(1), ct) is { } retryAfter)
        {
            return Problem.RateLimited(retryAfter);
        }

        events.ToUserTransient(to, Event, new LiveSignal(chatId, userId, request.Kind!, request.Payload!.Value));
        await db.SaveChangesAsync(ct);
        await events.PublishAsync(ct);
        return Done.Value;
    }
}
