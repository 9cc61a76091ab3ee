using DistaHilar.Core.Data;
using DistaHilar.Core.Realtime;
using DistaHilar.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Calls;

/// <summary>The <c>call-disconnects</c> queue's message: the user went offline <see cref="CallOptions.DisconnectGrace"/> ago.</summary>
public sealed record CallDisconnect(Guid UserId);

/// <summary>
/// A participant who loses their last connection leaves their ringing or active call, and their live rooms, unless
/// they are back within the grace period: a delayed queue message (durable, any instance) checks again and ends the call if they are not.
/// </summary>
public sealed class CallDisconnects(DistaHilarDbContext db, QueueSender queues, CallService calls, LiveRooms.LiveRoomService rooms, IOptions<CallOptions> options) : IOfflineHandler
{
    public const string Queue = "call-disconnects";

    public async Task WentOfflineAsync(Guid userId, CancellationToken ct)
    {
        // Most people who go offline are in no call: one probe of the partial indexes, no message.
        if (await InCallAsync(userId, ct))
        {
            await queues.SendAsync(Queue, new CallDisconnect(userId), ct, options.Value.DisconnectGrace);
        }
    }

    /// <summary>The grace period is over: still no connection → their calls end. Idempotent.</summary>
    public async Task GraceOverAsync(CallDisconnect disconnect, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(disconnect);
        if (!await db.UserConnections.AnyAsync(c => c.UserId == disconnect.UserId, ct))
        {
            await calls.EndAllAsync(disconnect.UserId, "disconnected", ct);
            await rooms.LeaveAllAsync(disconnect.UserId, ct);
        }
    }

    private async Task<bool> InCallAsync(Guid userId, CancellationToken ct) =>
        await db.Calls.AnyAsync(c => (c.CallerId == userId || c.CalleeId == userId) && (c.Status == CallStatus.Ringing || c.Status == CallStatus.Active), ct)
        || await db.LiveParticipants.AnyAsync(p => p.UserId == userId, ct);
}
