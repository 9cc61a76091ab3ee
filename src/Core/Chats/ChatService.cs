using System.Security.Cryptography;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.LiveRooms;
using DistaHilar.Core.Media;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.RateLimiting;
using DistaHilar.Core.Realtime;
using DistaHilar.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Chats;

/// <summary>
/// Dialogs, groups and channels: creation, details, edits, deletion, leaving, invite links and joining. Every change
/// and its realtime events commit together (outbox); chats a caller may not see are 404, never 403.
/// </summary>
public sealed class ChatService(
    DistaHilarDbContext db,
    MediaCleanup mediaCleanup,
    AvatarImages avatars,
    LiveRoomRoster roster,
    ChatAccess access,
    WritePipeline pipeline,
    RealtimeEvents events,
    ChatViews views,
    UserLimits limits,
    RateLimiter sharedLimits,
    IOptions<RateLimitOptions> limitOptions,
    TimeProvider time)
{
    /// <summary>201 with a new dialog, or the existing one (Created false) — also when both sides race to create it.</summary>
    public async Task<Result<(ChatView Chat, bool Created)>> CreateDialogAsync(Caller caller, CreateDialogRequest request, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        var peerId = request.UserId!.Value;
        if (peerId == caller.UserId)
        {
            return Problem.Validation("userId", "A dialog needs another user.");
        }

        if (!await db.Users.AnyAsync(u => u.Id == peerId && u.DeletedAt == null, ct))
        {
            return Problem.NotFound("The user");
        }

        var (low, high) = caller.UserId.CompareTo(peerId) < 0 ? (caller.UserId, peerId) : (peerId, caller.UserId);
        if (await ExistingDialogAsync(caller, low, high, ct) is { } existing)
        {
            return (existing, false);
        }

        var now = time.GetUtcNow();
        var chat = new Chat
        {
            Id = Guid.CreateVersion7(now),
            Type = ChatType.Dialog,
            CreatedBy = caller.UserId,
            CreatedAt = now,
            UpdatedAt = now,
            LastActivityAt = now,
            EventSeq = 1,
            MemberCount = 2,
            DialogUserLow = low,
            DialogUserHigh = high,
        };
        var members = new[] { Member(chat, caller.UserId, ChatRole.Member, now), Member(chat, peerId, ChatRole.Member, now) };
        // The other side created it first: theirs is the dialog.
        var racedIn = new OnConflict<(ChatView, bool)>(
            Conflicts.Unique(),
            async (_, ct) => (await ExistingDialogAsync(caller, low, high, ct) ?? throw new InvalidOperationException("The dialog that won the race is gone."), false));
        return await pipeline.SaveAsync<(ChatView, bool)>(async () => (await AddAsync(chat, members, ct), true), ct, racedIn);
    }

    /// <summary>A group or channel; the creator is its owner, <c>memberIds</c> join as members (subscribers of a channel).</summary>
    public async Task<Result<ChatView>> CreateAsync(Caller caller, ChatType type, CreateChatRequest request, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        var memberIds = (request.MemberIds ?? []).Distinct().Where(id => id != caller.UserId).ToList();
        // The members a new group starts with count as people added.
        var limited = limits.Check(UserAction.ChatCreated, caller.UserId)
            ?? (memberIds.Count > 0 ? limits.Check(UserAction.MemberAdded, caller.UserId, memberIds.Count) : null);
        if (limited is not null)
        {
            return limited;
        }

        // Not a hot path: the daily ceiling is counted in PostgreSQL, so it holds across instances.
        if (await sharedLimits.CheckAsync([new($"chats:created:{caller.UserId:N}", limitOptions.Value.ChatsCreatedPerDay)], TimeSpan.FromDays(1), ct) is { } wait)
        {
            return Problem.RateLimited(wait);
        }

        if (await MissingUsersAsync(memberIds, "memberIds", ct) is { } missing)
        {
            return missing;
        }

        var now = time.GetUtcNow();
        var chat = new Chat
        {
            Id = Guid.CreateVersion7(now),
            Type = type,
            Title = UserRules.Clean(request.Title),
            Description = UserRules.Clean(request.Description),
            IsPublic = request.IsPublic ?? false,
            CreatedBy = caller.UserId,
            CreatedAt = now,
            UpdatedAt = now,
            LastActivityAt = now,
            EventSeq = 1,
            MemberCount = memberIds.Count + 1,
        };
        var members = memberIds.Select(id => Member(chat, id, ChatRole.Member, now)).Prepend(Member(chat, caller.UserId, ChatRole.Owner, now)).ToList();
        return await pipeline.SaveAsync<ChatView>(async () => await AddAsync(chat, members, ct), ct);
    }

    /// <summary>
    /// A new chat and its first members, each told <c>chat.created</c> (with the chat's first seq) and joined to its
    /// group; the first member is the creator, whose view is returned.
    /// </summary>
    private async Task<ChatView> AddAsync(Chat chat, IReadOnlyList<ChatMember> members, CancellationToken ct)
    {
        db.Chats.Add(chat);
        db.ChatMembers.AddRange(members);
        foreach (var member in members)
        {
            events.JoinChat(member.UserId, chat.Id);
            events.ToUser(member.UserId, ChatEvents.Created, await views.ChatAsync(chat, member, member.UserId, ct), chat.Id, chat.EventSeq);
        }

        return await views.ChatAsync(chat, members[0], members[0].UserId, ct);
    }

    /// <summary>Details for members, and for anyone when the group or channel is public.</summary>
    public async Task<Result<ChatView>> GetAsync(Caller caller, Guid chatId, CancellationToken ct)
    {
        var (chat, me) = await access.LoadAsync(caller.UserId, chatId, ct);
        if (chat is null || (me is null && !ChatRules.IsPreviewable(chat)))
        {
            return Problem.NotFound("The chat");
        }

        return await views.ChatAsync(chat, me, caller.UserId, ct);
    }

    /// <summary>Title, description, avatar and the public flag: owner and admins of groups and channels.</summary>
    public async Task<Result<ChatView>> UpdateAsync(Caller caller, Guid chatId, UpdateChatRequest request, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        return await pipeline.ChatAsync<ChatView>(
            caller.UserId,
            chatId,
            async write =>
            {
                var chat = write.Chat;
                chat.Title = request.Title is null ? chat.Title : UserRules.Clean(request.Title);
                chat.Description = request.Description is null ? chat.Description : UserRules.Clean(request.Description);
                var replacedAvatar = request.AvatarUrl is not null ? chat.AvatarMediaId : null;
                if (request.AvatarUrl is not null)
                {
                    chat.AvatarUrl = UserRules.Clean(request.AvatarUrl);
                    chat.AvatarMediaId = null;
                }

                chat.IsPublic = request.IsPublic ?? chat.IsPublic;
                chat.UpdatedAt = time.GetUtcNow();
                await db.SaveChangesAsync(ct);
                await avatars.ReplacedAsync(replacedAvatar, null, chat.UpdatedAt, ct);
                return await AnnounceUpdateAsync(caller, write, ct);
            },
            ct,
            rule: (chat, me) => ChatRules.CanManage(chat.Type, me.Role) ? null
                : Problem.Forbidden(chat.Type == ChatType.Dialog ? "A dialog has no details to edit." : "Only the owner and admins edit the chat."));
    }

    /// <summary>Sets (or with a null request removes) the chat's avatar: an image the caller uploaded (owner, admin).</summary>
    public async Task<Result<ChatView>> SetAvatarAsync(Caller caller, Guid chatId, Media.SetAvatarRequest? request, CancellationToken ct)
    {
        Data.MediaAsset? image = null;
        if (request is not null)
        {
            var usable = await avatars.UsableAsync(caller.UserId, request, ct);
            if (!usable.IsSuccess)
            {
                return usable.Problem;
            }

            image = usable.Value;
        }

        return await pipeline.ChatAsync<ChatView>(
            caller.UserId,
            chatId,
            async write =>
            {
                var chat = write.Chat;
                var previous = chat.AvatarMediaId;
                chat.AvatarMediaId = image?.Id;
                chat.AvatarUrl = image is null ? null : Media.AvatarImages.Url(image);
                chat.UpdatedAt = time.GetUtcNow();
                await db.SaveChangesAsync(ct);
                await avatars.ReplacedAsync(previous, image?.Id, chat.UpdatedAt, ct);
                return await AnnounceUpdateAsync(caller, write, ct);
            },
            ct,
            rule: (chat, me) => ChatRules.CanManage(chat.Type, me.Role) ? null
                : Problem.Forbidden(chat.Type == ChatType.Dialog ? "A dialog has no avatar of its own." : "Only the owner and admins edit the chat."));
    }

    /// <summary><c>chat.updated</c> to the members, committed with the change.</summary>
    private async Task<ChatView> AnnounceUpdateAsync(Caller caller, ChatWrite write, CancellationToken ct)
    {
        var chat = write.Chat;
        var seq = await write.NextSeqAsync(0, ct);
        events.ToChat(chat.Id, seq, ChatEvents.Updated, new ChatUpdated(chat.Id, chat.Title, chat.Description, chat.AvatarUrl, chat.IsPublic, chat.MemberCount));
        return await views.ChatAsync(chat, write.Me, caller.UserId, ct);
    }

    /// <summary>
    /// A group or channel: the owner deletes it for everyone. A dialog: either side deletes it for both
    /// (<paramref name="forEveryone"/>), or hides it for themselves until a new message arrives.
    /// </summary>
    public async Task<Result<Done>> DeleteAsync(Caller caller, Guid chatId, bool forEveryone, CancellationToken ct)
    {
        return await pipeline.ChatAsync<Done>(caller.UserId, chatId, async write =>
        {
            var chat = write.Chat;
            if (chat.Type == ChatType.Dialog && !forEveryone)
            {
                write.Me.HiddenAt = time.GetUtcNow();
                events.ToUser(caller.UserId, ChatEvents.Deleted, new ChatDeleted(chat.Id, false), chat.Id);
                return Done.Value;
            }

            if (chat.Type != ChatType.Dialog && write.Me.Role != ChatRole.Owner)
            {
                return Problem.Forbidden("Only the owner deletes the chat.");
            }

            await DeleteForEveryoneAsync(chat, ct);
            return Done.Value;
        }, ct);
    }

    /// <summary>Deletes the chat (the caller saves and commits): every member's log records it, its media are released.</summary>
    internal async Task DeleteForEveryoneAsync(Chat chat, CancellationToken ct)
    {
        var (seq, _) = await db.NextSeqAsync(chat.Id, 0, ct);
        await events.LogForMembersAsync(events.ToChat(chat.Id, seq, ChatEvents.Deleted, new ChatDeleted(chat.Id, true)), ct);
        // Members stay in the service's group until their ttl ends: nothing is sent to a deleted chat's group
        // again, and calling the service once per member of a big channel would make deletion slow and fragile.
        await mediaCleanup.ReleaseChatAsync(chat.Id, time.GetUtcNow(), ct);
        db.Chats.Remove(chat);
    }

    /// <summary>Leaves a group or channel; the owner must hand over or delete it instead.</summary>
    public async Task<Result<Done>> LeaveAsync(Caller caller, Guid chatId, CancellationToken ct)
    {
        return await pipeline.ChatAsync<Done>(
            caller.UserId,
            chatId,
            async write =>
            {
                await RemoveMemberAsync(write.Chat, write.Me, removedBy: null, ct);
                return Done.Value;
            },
            ct,
            rule: (chat, me) => chat.Type == ChatType.Dialog ? Problem.Unprocessable("A dialog cannot be left; delete it instead.")
                : me.Role == ChatRole.Owner ? Problem.Unprocessable("The owner cannot leave: hand ownership over (PATCH the member's role to owner) or delete the chat.")
                : null);
    }

    /// <summary>A new invite code for a group or channel (owner, admins); the previous one stops working.</summary>
    public async Task<Result<InviteLinkView>> RotateInviteLinkAsync(Caller caller, Guid chatId, CancellationToken ct)
    {
        return await pipeline.ChatAsync<InviteLinkView>(
            caller.UserId,
            chatId,
            write =>
            {
                // 128 random bits: not guessable, and short enough for a link.
                write.Chat.InviteCode = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
                write.Chat.UpdatedAt = time.GetUtcNow();
                return Task.FromResult<Result<InviteLinkView>>(new InviteLinkView(write.Chat.InviteCode));
            },
            ct,
            rule: (chat, me) => ChatRules.CanManage(chat.Type, me.Role) ? null
                : Problem.Forbidden(chat.Type == ChatType.Dialog ? "Dialogs have no invite links." : "Only the owner and admins manage invite links."));
    }

    /// <summary>Joins by invite code; a dead or unknown code is 404. Joining again returns the chat (Joined false).</summary>
    public async Task<Result<(ChatView Chat, bool Joined)>> JoinByInviteAsync(Caller caller, string inviteCode, CancellationToken ct)
    {
        var chatId = inviteCode.Length is > 0 and <= 64
            ? await db.Chats.Where(c => c.InviteCode == inviteCode).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct)
            : null;
        return chatId is null ? Problem.NotFound("The invite link") : await JoinAsync(caller, chatId.Value, viaInvite: true, ct);
    }

    /// <summary>Joins a public group or channel; private ones are 404 to non-members.</summary>
    public Task<Result<(ChatView Chat, bool Joined)>> JoinPublicAsync(Caller caller, Guid chatId, CancellationToken ct) =>
        JoinAsync(caller, chatId, viaInvite: false, ct);

    private async Task<Result<(ChatView Chat, bool Joined)>> JoinAsync(Caller caller, Guid chatId, bool viaInvite, CancellationToken ct)
    {
        // A concurrent join of the same user won; they are a member either way.
        var racedIn = new OnConflict<(ChatView, bool)>(
            Conflicts.Unique(),
            async (_, ct) =>
            {
                var (again, mine) = await access.LoadAsync(caller.UserId, chatId, ct);
                return again is null ? Problem.NotFound("The chat") : (await views.ChatAsync(again, mine, caller.UserId, ct), false);
            });
        return await pipeline.AnyChatAsync<(ChatView, bool)>(caller.UserId, chatId, async write =>
        {
            var chat = write.Chat;
            if (write.Membership is { } me)
            {
                return (await views.ChatAsync(chat, me, caller.UserId, ct), false);
            }

            if (!viaInvite && !ChatRules.IsPreviewable(chat))
            {
                return Problem.NotFound("The chat");
            }

            if (await db.ChatBans.AnyAsync(b => b.ChatId == chat.Id && b.UserId == caller.UserId, ct))
            {
                return Problem.Forbidden("You were removed from this chat; an admin can add you back.");
            }

            var member = Member(chat, caller.UserId, ChatRole.Member, time.GetUtcNow());
            db.ChatMembers.Add(member);
            // Saved before the announcement, so a racing join of the same user fails here, before any number is taken.
            await db.SaveChangesAsync(ct);
            var joined = new MembersJoined(chat.Id, await views.MembersAsync([member], ChatViews.Everyone, ct), null);
            await AnnounceMembershipAsync(chat, 1, ChatEvents.MemberJoined, joined, [caller.UserId], ct, async seq =>
            {
                events.JoinChat(caller.UserId, chat.Id);
                events.ToUser(caller.UserId, ChatEvents.Created, await views.ChatAsync(chat, member, caller.UserId, ct), chat.Id, seq);
            });
            return (await views.ChatAsync(chat, member, caller.UserId, ct), true);
        }, ct, racedIn);
    }

    /// <summary>
    /// Takes a member out (leave or removal) and tells the remaining members and the one who left. The row is deleted
    /// first: that waits for any grant of the chat's group in flight (grants hold a share lock on the row), so the
    /// revocation that follows cannot be overtaken by one. The caller commits; if the service cannot be reached the
    /// revocation throws and nothing commits.
    /// </summary>
    /// <param name="revokeNow">False when the caller takes the user out of every group at the service itself (account deletion).</param>
    internal async Task RemoveMemberAsync(Chat chat, ChatMember member, Guid? removedBy, CancellationToken ct, bool revokeNow = true)
    {
        db.ChatMembers.Remove(member);
        await db.SaveChangesAsync(ct);
        // The chat leaves the person's folders too (they may only hold chats they are in).
        await db.FolderChats.Where(e => e.ChatId == chat.Id && db.Folders.Any(f => f.Id == e.FolderId && f.UserId == member.UserId)).ExecuteDeleteAsync(ct);
        if (revokeNow)
        {
            await events.RevokeChatAsync(member.UserId, chat.Id, ct);
        }

        var left = new MemberLeft(chat.Id, member.UserId, removedBy);
        var seq = await AnnounceMembershipAsync(chat, -1, ChatEvents.MemberLeft, left, [member.UserId], ct);
        if (chat.Type != ChatType.Channel)
        {
            // Out of the chat's group already: told directly (in a channel the announcement did that).
            events.ToUser(member.UserId, ChatEvents.MemberLeft, left, chat.Id, seq);
        }

        await db.SaveChangesAsync(ct);
        // Out of the chat, out of its live room (a host hands it on).
        await roster.RemoveAndAnnounceAsync(chat.Id, member.UserId, ct);
    }

    /// <summary>
    /// Announces a membership change and adjusts the member count. In groups every member hears it (a chat event with
    /// the next seq). In a channel subscribers must not learn who else subscribes: only the owner, admins and
    /// moderators, and the <paramref name="concerned"/> members themselves, get it (each once, no chat seq, kept in
    /// their own change log). Returns the chat's event seq after the change.
    /// </summary>
    /// <param name="first">Records that go out before the announcement and carry its seq (the newcomers' <c>chat.created</c>).</param>
    internal async Task<long> AnnounceMembershipAsync(Chat chat, int memberDelta, string type, object data, IReadOnlyCollection<Guid> concerned, CancellationToken ct, Func<long, Task>? first = null)
    {
        if (chat.Type != ChatType.Channel)
        {
            var (seq, count) = await db.NextSeqAsync(chat.Id, memberDelta, ct);
            chat.MemberCount = count;
            await (first?.Invoke(seq) ?? Task.CompletedTask);
            events.ToChat(chat.Id, seq, type, data);
            return seq;
        }

        var (current, total) = await db.CountMembersAsync(chat.Id, memberDelta, ct);
        chat.MemberCount = total;
        await (first?.Invoke(current) ?? Task.CompletedTask);
        var staff = await db.ChatMembers.AsNoTracking()
            .Where(m => m.ChatId == chat.Id && m.Role >= ChatRole.Moderator)
            .Select(m => m.UserId)
            .ToListAsync(ct);
        foreach (var userId in staff.Union(concerned))
        {
            events.ToUser(userId, type, data, chat.Id);
        }

        return current;
    }

    internal static ChatMember Member(Chat chat, Guid userId, ChatRole role, DateTimeOffset now) =>
        new() { ChatId = chat.Id, UserId = userId, Role = role, JoinedAt = now };

    /// <summary>400 naming the ids that are no (live) user, so nothing is written for a list with a bad id.</summary>
    internal async Task<Problem?> MissingUsersAsync(IReadOnlyList<Guid> ids, string field, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return null;
        }

        var found = await db.Users.Where(u => ids.Contains(u.Id) && u.DeletedAt == null).Select(u => u.Id).ToListAsync(ct);
        var missing = ids.Except(found).ToList();
        return missing.Count == 0 ? null : Problem.Validation(field, $"Unknown users: {string.Join(", ", missing)}.");
    }

    private async Task<ChatView?> ExistingDialogAsync(Caller caller, Guid low, Guid high, CancellationToken ct)
    {
        var chat = await db.Chats.FirstOrDefaultAsync(c => c.Type == ChatType.Dialog && c.DialogUserLow == low && c.DialogUserHigh == high, ct);
        if (chat is null)
        {
            return null;
        }

        var me = await db.ChatMembers.FirstAsync(m => m.ChatId == chat.Id && m.UserId == caller.UserId, ct);
        if (me.HiddenAt is not null)
        {
            // Starting the dialog again brings it back for me.
            me.HiddenAt = null;
            await db.SaveChangesAsync(ct);
        }

        return await views.ChatAsync(chat, me, caller.UserId, ct);
    }
}
