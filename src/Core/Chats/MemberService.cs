using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.RateLimiting;
using DistaHilar.Core.Realtime;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Chats;

/// <summary>
/// The member list, adding and removing members, roles and my mute setting. Rank rules live in <see cref="ChatRules"/>;
/// non-members get 404, members without the right 403.
/// </summary>
public sealed class MemberService(DistaHilarDbContext db, ChatService chats, ChatAccess access, WritePipeline pipeline, RealtimeEvents events, ChatViews views, UserLimits limits, TimeProvider time)
{
    /// <summary>In join order, keyset-paginated; members of groups, staff of channels.</summary>
    public async Task<Result<Page<MemberView>>> ListAsync(Caller caller, Guid chatId, PageRequest page, CancellationToken ct)
    {
        var (chat, me) = await access.LoadAsync(caller.UserId, chatId, ct);
        if (chat is null || (me is null && !ChatRules.IsPreviewable(chat)))
        {
            return Problem.NotFound("The chat");
        }

        if (me is null || !ChatRules.CanListMembers(chat.Type, me.Role))
        {
            return Problem.Forbidden("Only members see the member list (in channels, only the owner, admins and moderators).");
        }

        MemberCursor? after = null;
        if (page.Cursor is not null)
        {
            var cursor = Cursor.Decode<MemberCursor>(page.Cursor);
            if (!cursor.IsSuccess)
            {
                return cursor.Problem;
            }

            after = cursor.Value;
        }

        var rows = db.ChatMembers.AsNoTracking().Where(m => m.ChatId == chatId);
        if (after is not null)
        {
            rows = rows.Where(m => m.JoinedAt > after.JoinedAt || (m.JoinedAt == after.JoinedAt && m.UserId.CompareTo(after.UserId) > 0));
        }

        var found = await rows.OrderBy(m => m.JoinedAt).ThenBy(m => m.UserId).Take(page.Limit + 1).ToListAsync(ct);
        var shown = found.Take(page.Limit).ToList();
        var next = found.Count > page.Limit ? Cursor.Encode(new MemberCursor(shown[^1].JoinedAt, shown[^1].UserId)) : null;
        return new Page<MemberView>(await views.MembersAsync(shown, caller.UserId, ct), next);
    }

    /// <summary>Adds users (owner, admins): all ids must be users; ones already in are left as they are; a ban is lifted.</summary>
    public async Task<Result<IReadOnlyList<MemberView>>> AddAsync(Caller caller, Guid chatId, AddMembersRequest request, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        // Each person counts (ones already in too: the caller asked for them, and it keeps this free of a lookup).
        if (limits.Check(UserAction.MemberAdded, caller.UserId, request.UserIds!.Distinct().Count()) is { } limited)
        {
            return limited;
        }

        return await pipeline.ChatAsync<IReadOnlyList<MemberView>>(
            caller.UserId,
            chatId,
            async write =>
            {
                var chat = write.Chat;
                var ids = request.UserIds!.Distinct().ToList();
                if (await chats.MissingUsersAsync(ids, "userIds", ct) is { } missing)
                {
                    return missing;
                }

                var present = await db.ChatMembers.Where(m => m.ChatId == chatId && ids.Contains(m.UserId)).Select(m => m.UserId).ToListAsync(ct);
                var now = time.GetUtcNow();
                var added = ids.Except(present).Select(id => ChatService.Member(chat, id, ChatRole.Member, now)).ToList();
                if (added.Count == 0)
                {
                    return new List<MemberView>();
                }

                var addedIds = added.Select(m => m.UserId).ToList();
                await db.ChatBans.Where(b => b.ChatId == chatId && addedIds.Contains(b.UserId)).ExecuteDeleteAsync(ct);
                db.ChatMembers.AddRange(added);
                await db.SaveChangesAsync(ct);
                // Profiles as a stranger sees them, never as the one who added them does.
                var joined = await views.MembersAsync(added, ChatViews.Everyone, ct);
                await chats.AnnounceMembershipAsync(chat, added.Count, ChatEvents.MemberJoined, new MembersJoined(chatId, joined, caller.UserId), addedIds, ct, async seq =>
                {
                    foreach (var member in added)
                    {
                        events.JoinChat(member.UserId, chatId);
                        events.ToUser(member.UserId, ChatEvents.Created, await views.ChatAsync(chat, member, member.UserId, ct), chatId, seq);
                    }
                });
                return await views.MembersAsync(added, caller.UserId, ct);
            },
            ct,
            rule: (chat, me) => ChatRules.CanManage(chat.Type, me.Role) ? null
                : Problem.Forbidden(chat.Type == ChatType.Dialog ? "A dialog has exactly two members." : "Only the owner and admins add members."));
    }

    /// <summary>Removes (and bans) a member of lower rank; removing yourself is leaving.</summary>
    public async Task<Result<Done>> RemoveAsync(Caller caller, Guid chatId, Guid userId, CancellationToken ct)
    {
        if (userId == caller.UserId)
        {
            return await chats.LeaveAsync(caller, chatId, ct);
        }

        return await pipeline.ChatAsync<Done>(caller.UserId, chatId, async write =>
        {
            var target = await db.ChatMembers.FirstOrDefaultAsync(m => m.ChatId == chatId && m.UserId == userId, ct);
            if (target is null)
            {
                return Problem.NotFound("The member");
            }

            if (!ChatRules.CanRemove(write.Chat.Type, write.Me.Role, target.Role))
            {
                return Problem.Forbidden(write.Chat.Type == ChatType.Dialog ? "Nobody is removed from a dialog." : "You may remove only members of a lower rank.");
            }

            db.ChatBans.Add(new ChatBan { ChatId = chatId, UserId = userId, BannedBy = caller.UserId, BannedAt = time.GetUtcNow() });
            await chats.RemoveMemberAsync(write.Chat, target, caller.UserId, ct);
            return Done.Value;
        }, ct);
    }

    /// <summary>Sets a role; the owner setting someone to <c>owner</c> hands ownership over and becomes an admin.</summary>
    public async Task<Result<MemberView>> ChangeRoleAsync(Caller caller, Guid chatId, Guid userId, ChangeRoleRequest request, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        var wanted = ChatRules.ParseRole(request.Role)!.Value;
        return await pipeline.ChatAsync<MemberView>(caller.UserId, chatId, async write =>
        {
            var me = write.Me;
            var target = userId == caller.UserId ? me : await db.ChatMembers.FirstOrDefaultAsync(m => m.ChatId == chatId && m.UserId == userId, ct);
            if (target is null)
            {
                return Problem.NotFound("The member");
            }

            if (!ChatRules.CanChangeRole(write.Chat.Type, me.Role, target.Role, wanted))
            {
                return Problem.Forbidden(write.Chat.Type == ChatType.Dialog ? "Dialogs have no roles." : "You may not give this member that role.");
            }

            if (target.Role != wanted)
            {
                var changed = new List<MemberRole> { new(target.UserId, wanted.Name()) };
                target.Role = wanted;
                if (wanted == ChatRole.Owner)
                {
                    me.Role = ChatRole.Admin;
                    changed.Add(new MemberRole(me.UserId, me.Role.Name()));
                }

                await write.AnnounceAsync(ChatEvents.MemberUpdated, new MembersUpdated(chatId, changed), ct);
            }

            return (await views.MembersAsync([target], caller.UserId, ct))[0];
        }, ct);
    }

    /// <summary>Mutes the chat for me, until a time or until I unmute; my other devices learn it at once.</summary>
    public async Task<Result<Done>> MuteAsync(Caller caller, Guid chatId, MuteRequest request, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (request.Until is { } until && (until <= now || until >= ChatRules.MutedForever))
        {
            return Problem.Validation("until", "Must be in the future (leave it out to mute until unmuted).");
        }

        return await SetMuteAsync(caller, chatId, request.Until ?? ChatRules.MutedForever, ct);
    }

    public Task<Result<Done>> UnmuteAsync(Caller caller, Guid chatId, CancellationToken ct) => SetMuteAsync(caller, chatId, null, ct);

    private async Task<Result<Done>> SetMuteAsync(Caller caller, Guid chatId, DateTimeOffset? until, CancellationToken ct)
    {
        return await pipeline.SaveAsync<Done>(
            async () =>
            {
                var me = await db.ChatMembers.FirstOrDefaultAsync(m => m.ChatId == chatId && m.UserId == caller.UserId, ct);
                if (me is null)
                {
                    return Problem.NotFound("The chat");
                }

                me.MutedUntil = until;
                events.ToUser(caller.UserId, ChatEvents.Updated, new ChatMuteUpdated(chatId, until is not null, until == ChatRules.MutedForever ? null : until), chatId);
                return Done.Value;
            },
            ct);
    }

    private sealed record MemberCursor(DateTimeOffset JoinedAt, Guid UserId);
}
