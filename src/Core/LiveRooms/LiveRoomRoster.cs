using DistaHilar.Core.Data;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.Realtime;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.LiveRooms;

/// <summary>
/// Who is in a chat's live room, read and changed inside the caller's transaction (which holds the chat row's lock):
/// shared by the room's own routes, leaving or being removed from the chat, and the disconnect grace.
/// </summary>
public sealed class LiveRoomRoster(DistaHilarDbContext db, RealtimeEvents events)
{
    /// <summary>
    /// Takes the user out of the chat's room; a host leaving hands it to the longest-present speaker, else listener,
    /// else ends it. False when they were not in it (nothing changed).
    /// </summary>
    public async Task<bool> RemoveAsync(Guid chatId, Guid userId, CancellationToken ct)
    {
        var leaving = await db.LiveParticipants.FirstOrDefaultAsync(p => p.ChatId == chatId && p.UserId == userId, ct);
        if (leaving is null)
        {
            return false;
        }

        db.LiveParticipants.Remove(leaving);
        if (leaving.Role == LiveRole.Host)
        {
            var next = await db.LiveParticipants.Where(p => p.ChatId == chatId && p.UserId != userId)
                .OrderByDescending(p => p.Role).ThenBy(p => p.JoinedAt).FirstOrDefaultAsync(ct);
            if (next is null)
            {
                await db.SaveChangesAsync(ct);
                await EndAsync(chatId, ct);
                return true;
            }

            next.Role = LiveRole.Host;
            next.HandRaisedAt = null;
            await db.LiveRooms.Where(r => r.ChatId == chatId).ExecuteUpdateAsync(r => r.SetProperty(x => x.HostId, next.UserId), ct);
        }

        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// Records <c>live.state</c> (the whole state) for the chat's members with the chat's next seq, inside the caller's
    /// transaction, and returns that state.
    /// </summary>
    public async Task<LiveState> AnnounceAsync(Guid chatId, CancellationToken ct)
    {
        var state = await StateAsync(chatId, ct);
        var (seq, _) = await db.NextSeqAsync(chatId, 0, ct);
        events.ToChat(chatId, seq, LiveRoomService.Event, state);
        await db.SaveChangesAsync(ct);
        return state;
    }

    /// <summary><see cref="RemoveAsync"/>, and <see cref="AnnounceAsync"/> when the room changed.</summary>
    public async Task RemoveAndAnnounceAsync(Guid chatId, Guid userId, CancellationToken ct)
    {
        if (await RemoveAsync(chatId, userId, ct))
        {
            await AnnounceAsync(chatId, ct);
        }
    }

    public async Task EndAsync(Guid chatId, CancellationToken ct)
    {
        await db.LiveParticipants.Where(p => p.ChatId == chatId).ExecuteDeleteAsync(ct);
        await db.LiveRooms.Where(r => r.ChatId == chatId).ExecuteDeleteAsync(ct);
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.Entity is LiveRoom or LiveParticipant).ToList())
        {
            entry.State = EntityState.Detached;
        }
    }

    public async Task<LiveState> StateAsync(Guid chatId, CancellationToken ct)
    {
        var room = await db.LiveRooms.AsNoTracking().FirstOrDefaultAsync(r => r.ChatId == chatId, ct);
        if (room is null)
        {
            return LiveState.Inactive(chatId);
        }

        var participants = db.LiveParticipants.AsNoTracking().Where(p => p.ChatId == chatId);
        var speakers = await participants.Where(p => p.Role != LiveRole.Listener)
            .OrderByDescending(p => p.Role).ThenBy(p => p.JoinedAt)
            .Select(p => new { p.UserId, p.Role, p.Muted })
            .ToListAsync(ct);
        var hands = await participants.Where(p => p.Role == LiveRole.Listener && p.HandRaisedAt != null)
            .OrderBy(p => p.HandRaisedAt).Select(p => p.UserId).ToListAsync(ct);
        var listenerCount = await participants.CountAsync(p => p.Role == LiveRole.Listener, ct);
        var isChannel = await db.Chats.AnyAsync(c => c.Id == chatId && c.Type == ChatType.Channel, ct);
        var listeners = listenerCount == 0 || isChannel
            ? []
            : await participants.Where(p => p.Role == LiveRole.Listener)
                .OrderBy(p => p.JoinedAt).ThenBy(p => p.UserId).Select(p => p.UserId).Take(LiveState.MaxListedListeners).ToListAsync(ct);
        return new LiveState(
            chatId,
            true,
            room.HostId,
            room.StartedAt,
            speakers.Select(s => new LiveSpeaker(s.UserId, s.Role.ToString().ToLowerInvariant(), s.Muted)).ToList(),
            hands,
            listenerCount,
            listeners);
    }
}
