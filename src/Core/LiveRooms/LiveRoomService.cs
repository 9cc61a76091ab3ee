using DistaHilar.Core.Chats;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.Realtime;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.LiveRooms;

/// <summary>
/// Live voice rooms in groups and channels, all state in PostgreSQL. Every change runs under the chat row's lock
/// (taken by the <see cref="WritePipeline"/>), so concurrent joins, hand-overs and stops
/// serialise per room, and commits with a <c>live.state</c> (the whole state) to the chat's members.
/// Moderating (speakers, muting others) is for the host and the chat's owner, admins and moderators.
/// </summary>
public sealed class LiveRoomService(DistaHilarDbContext db, LiveRoomRoster roster, ChatAccess access, WritePipeline pipeline, TimeProvider time)
{
    public const string Event = "live.state";

    private delegate Task<Problem?> Change(Chat chat, ChatMember me, LiveRoom? room, DateTimeOffset now);

    public async Task<Result<LiveState>> GetAsync(Caller caller, Guid chatId, CancellationToken ct)
    {
        var (chat, me) = await access.LoadAsync(caller.UserId, chatId, ct);
        if (chat is null || (me is null && !ChatRules.IsPreviewable(chat)))
        {
            return Problem.NotFound("The chat");
        }

        return await roster.StateAsync(chatId, ct);
    }

    /// <summary>The owner, an admin or a moderator starts the room and hosts it.</summary>
    public Task<Result<LiveState>> StartAsync(Caller caller, Guid chatId, CancellationToken ct) => ChangeAsync(caller, chatId, needsRoom: false, (chat, me, room, now) =>
    {
        if (chat.Type == ChatType.Dialog)
        {
            return Task.FromResult<Problem?>(Problem.Unprocessable("Dialogs have calls; live rooms are for groups and channels."));
        }

        if (me.Role < ChatRole.Moderator)
        {
            return Task.FromResult<Problem?>(Problem.Forbidden("Only the owner, admins and moderators start a live room."));
        }

        if (room is not null)
        {
            return Task.FromResult<Problem?>(Problem.Conflict("live", "The chat's live room is already on."));
        }

        db.LiveRooms.Add(new LiveRoom { ChatId = chat.Id, HostId = me.UserId, StartedAt = now });
        db.LiveParticipants.Add(new LiveParticipant { ChatId = chat.Id, UserId = me.UserId, Role = LiveRole.Host, Muted = false, JoinedAt = now });
        return Task.FromResult<Problem?>(null);
    }, ct);

    /// <summary>The host, or the chat's owner or an admin, ends the room for everyone.</summary>
    public Task<Result<LiveState>> StopAsync(Caller caller, Guid chatId, CancellationToken ct) => ChangeAsync(caller, chatId, needsRoom: true, async (chat, me, room, now) =>
    {
        if (room!.HostId != me.UserId && me.Role < ChatRole.Admin)
        {
            return Problem.Forbidden("Only the host, the owner and admins stop a live room.");
        }

        await roster.EndAsync(chat.Id, ct);
        return null;
    }, ct);

    /// <summary>Any member joins as a listener (muted); joining again changes nothing.</summary>
    public Task<Result<LiveState>> JoinAsync(Caller caller, Guid chatId, CancellationToken ct) => ChangeAsync(caller, chatId, needsRoom: true, async (chat, me, room, now) =>
    {
        if (!await db.LiveParticipants.AnyAsync(p => p.ChatId == chat.Id && p.UserId == me.UserId, ct))
        {
            db.LiveParticipants.Add(new LiveParticipant { ChatId = chat.Id, UserId = me.UserId, Role = LiveRole.Listener, Muted = true, JoinedAt = now });
        }

        return null;
    }, ct);

    /// <summary>Leaves; a host leaving hands the room to a speaker, else a listener (longest there first), else ends it.</summary>
    public Task<Result<LiveState>> LeaveAsync(Caller caller, Guid chatId, CancellationToken ct) => ChangeAsync(caller, chatId, needsRoom: true, async (chat, me, room, now) =>
        await roster.RemoveAsync(chat.Id, me.UserId, ct) ? null : Problem.NotFound("Your place in the live room"), ct);

    /// <summary>A listener raises (or lowers) their hand; hands wait in the order they went up.</summary>
    public Task<Result<LiveState>> RaiseHandAsync(Caller caller, Guid chatId, bool raised, CancellationToken ct) => ChangeAsync(caller, chatId, needsRoom: true, async (chat, me, room, now) =>
    {
        var mine = await db.LiveParticipants.FirstOrDefaultAsync(p => p.ChatId == chat.Id && p.UserId == me.UserId, ct);
        if (mine is null)
        {
            return Problem.NotFound("Your place in the live room");
        }

        if (mine.Role != LiveRole.Listener)
        {
            return Problem.Conflict("role", "You already speak.");
        }

        mine.HandRaisedAt = raised ? mine.HandRaisedAt ?? now : null;
        return null;
    }, ct);

    /// <summary>The host or a moderator makes a listener a speaker (muted until they unmute), or a speaker a listener again.</summary>
    public Task<Result<LiveState>> SetSpeakerAsync(Caller caller, Guid chatId, Guid userId, bool speaker, CancellationToken ct) => ChangeAsync(caller, chatId, needsRoom: true, async (chat, me, room, now) =>
    {
        if (!Moderates(room!, me))
        {
            return Problem.Forbidden("Only the host and the chat's moderators choose speakers.");
        }

        var target = await db.LiveParticipants.FirstOrDefaultAsync(p => p.ChatId == chat.Id && p.UserId == userId, ct);
        if (target is null)
        {
            return Problem.NotFound("The participant");
        }

        if (target.Role == LiveRole.Host)
        {
            return Problem.Conflict("role", "The host always speaks.");
        }

        target.Role = speaker ? LiveRole.Speaker : LiveRole.Listener;
        target.HandRaisedAt = null;
        target.Muted = true;
        return null;
    }, ct);

    /// <summary>
    /// Mute rules: the host and moderators mute anyone; only people unmute themselves, and only once they speak.
    /// </summary>
    public Task<Result<LiveState>> MuteAsync(Caller caller, Guid chatId, Guid userId, MuteRequest request, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return Task.FromResult<Result<LiveState>>(invalid);
        }

        var muted = request.Muted!.Value;
        return ChangeAsync(caller, chatId, needsRoom: true, async (chat, me, room, now) =>
        {
            var target = await db.LiveParticipants.FirstOrDefaultAsync(p => p.ChatId == chat.Id && p.UserId == userId, ct);
            if (target is null)
            {
                return Problem.NotFound("The participant");
            }

            if (userId != me.UserId && (!muted || !Moderates(room!, me)))
            {
                return Problem.Forbidden(muted ? "Only the host and the chat's moderators mute others." : "People unmute themselves.");
            }

            if (!muted && target.Role == LiveRole.Listener)
            {
                return Problem.Forbidden("Listeners speak once the host makes them speakers.");
            }

            target.Muted = muted;
            return null;
        }, ct);
    }

    /// <summary>
    /// A participant whose last connection went (grace period over): out of every room, as by leaving — also of chats
    /// they are no longer a member of.
    /// </summary>
    public async Task LeaveAllAsync(Guid userId, CancellationToken ct)
    {
        var rooms = await db.LiveParticipants.Where(p => p.UserId == userId).Select(p => p.ChatId).ToListAsync(ct);
        foreach (var chatId in rooms)
        {
            await pipeline.AnyChatAsync<Done>(userId, chatId, async write =>
            {
                await roster.RemoveAndAnnounceAsync(chatId, userId, ct);
                return Done.Value;
            }, ct);
        }
    }

    private static bool Moderates(LiveRoom room, ChatMember me) => room.HostId == me.UserId || me.Role >= ChatRole.Moderator;

    private Task<Result<LiveState>> ChangeAsync(Caller caller, Guid chatId, bool needsRoom, Change change, CancellationToken ct) =>
        pipeline.ChatAsync<LiveState>(caller.UserId, chatId, async write =>
        {
            var room = await db.LiveRooms.FirstOrDefaultAsync(r => r.ChatId == chatId, ct);
            if (needsRoom && room is null)
            {
                return Problem.NotFound("The live room");
            }

            if (await change(write.Chat, write.Me, room, time.GetUtcNow()) is { } refused)
            {
                return refused;
            }

            await db.SaveChangesAsync(ct);
            return await roster.AnnounceAsync(chatId, ct);
        }, ct);
}
