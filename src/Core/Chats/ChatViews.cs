using DistaHilar.Core.Data;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Chats;

/// <summary>Builds what a caller sees of chats and members: personal fields for them, profiles as privacy allows.</summary>
public sealed class ChatViews(DistaHilarDbContext db, TimeProvider time)
{
    /// <summary>The viewer for what many people receive at once: profiles show only what everyone may see.</summary>
    public static readonly Guid Everyone = Guid.Empty;

    public async Task<ChatView> ChatAsync(Chat chat, ChatMember? me, Guid viewerId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        PublicProfile? peer = null;
        if (chat.Type == ChatType.Dialog)
        {
            var peerId = chat.DialogUserLow == viewerId ? chat.DialogUserHigh : chat.DialogUserLow;
            var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == peerId, ct);
            peer = (await db.ProfilesForAsync(viewerId, [user], now, ct))[0];
        }

        var muted = me?.MutedUntil > now;
        return new ChatView(
            chat.Id,
            chat.Type.Name(),
            peer is null ? chat.Title : DisplayName(peer),
            chat.Description,
            peer?.AvatarUrl ?? chat.AvatarUrl,
            chat.IsPublic,
            chat.MemberCount,
            me?.Role.Name(),
            muted,
            muted && me!.MutedUntil != ChatRules.MutedForever ? me.MutedUntil : null,
            me is not null && ChatRules.CanManage(chat.Type, me.Role) ? chat.InviteCode : null,
            chat.CreatedAt,
            peer);
    }

    /// <summary>A dialog's title for one side: the other person's name.</summary>
    public static string DisplayName(PublicProfile peer) => string.IsNullOrEmpty(peer.Surname) ? peer.Name : $"{peer.Name} {peer.Surname}";

    /// <summary>Member rows with profiles, in the order given; three queries whatever the count.</summary>
    public async Task<List<MemberView>> MembersAsync(IReadOnlyList<ChatMember> members, Guid viewerId, CancellationToken ct)
    {
        var ids = members.Select(m => m.UserId).ToList();
        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
        var profiles = await db.ProfilesForAsync(viewerId, ids.Select(id => users[id]).ToList(), time.GetUtcNow(), ct);
        return members.Select((m, i) => new MemberView(profiles[i], m.Role.Name(), m.JoinedAt)).ToList();
    }
}
