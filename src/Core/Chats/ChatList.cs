using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Messages;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Chats;

/// <summary>The newest message of a chat, as the chat list shows it.</summary>
public sealed record MessagePreview(Guid Id, Guid SenderId, string? Text, DateTimeOffset CreatedAt);

/// <summary>A row of my chat list.</summary>
public sealed record ChatListItem(
    Guid Id,
    string Type,
    string? Title,
    string? AvatarUrl,
    MessagePreview? LastMessage,
    int UnreadCount,
    int UnreadMentionCount,
    string MyRole,
    bool Muted,
    int MemberCount,
    PublicProfile? Peer,
    DateTimeOffset LastActivityAt,
    long EventSeq);

/// <summary>
/// <c>GET /api/chats</c>: my chats, newest activity first, keyset-paginated, optionally one folder's. A fixed number
/// of queries per page whatever the number of chats: the page itself, the dialog peers' profiles in one batch, the
/// newest messages and the unread counts.
/// Dialogs I deleted for myself stay out until there is activity after that.
/// </summary>
public sealed class ChatList(DistaHilarDbContext db, UnreadCounts unreadCounts, TimeProvider time)
{
    public async Task<Result<Page<ChatListItem>>> ListAsync(Caller caller, Guid? folderId, PageRequest page, CancellationToken ct)
    {
        ListCursor? after = null;
        if (page.Cursor is not null)
        {
            var cursor = Cursor.Decode<ListCursor>(page.Cursor);
            if (!cursor.IsSuccess)
            {
                return cursor.Problem;
            }

            after = cursor.Value;
        }

        if (folderId is { } folder && !await db.Folders.AnyAsync(f => f.Id == folder && f.UserId == caller.UserId, ct))
        {
            return Problem.NotFound("The folder");
        }

        var rows = db.ChatMembers.AsNoTracking()
            .Where(m => m.UserId == caller.UserId)
            .Join(db.Chats.AsNoTracking(), m => m.ChatId, c => c.Id, (m, c) => new { Me = m, Chat = c })
            .Where(r => r.Me.HiddenAt == null || r.Chat.LastActivityAt > r.Me.HiddenAt);
        if (folderId is { } inFolder)
        {
            rows = rows.Where(r => db.FolderChats.Any(e => e.FolderId == inFolder && e.ChatId == r.Chat.Id));
        }

        if (after is not null)
        {
            rows = rows.Where(r => r.Chat.LastActivityAt < after.LastActivityAt || (r.Chat.LastActivityAt == after.LastActivityAt && r.Chat.Id.CompareTo(after.ChatId) < 0));
        }

        var found = await rows.OrderByDescending(r => r.Chat.LastActivityAt).ThenByDescending(r => r.Chat.Id).Take(page.Limit + 1).ToListAsync(ct);
        var shown = found.Take(page.Limit).ToList();
        var items = await ItemsAsync(caller, shown.Select(r => (r.Chat, r.Me)).ToList(), ct);
        var next = found.Count > page.Limit ? Cursor.Encode(new ListCursor(shown[^1].Chat.LastActivityAt, shown[^1].Chat.Id)) : null;
        return new Page<ChatListItem>(items, next);
    }

    /// <summary>List items for chats I am in, with the dialog peers' profiles fetched in one batch.</summary>
    internal async Task<List<ChatListItem>> ItemsAsync(Caller caller, IReadOnlyList<(Chat Chat, ChatMember Me)> rows, CancellationToken ct)
    {
        Guid PeerOf(Chat chat) => chat.DialogUserLow == caller.UserId ? chat.DialogUserHigh!.Value : chat.DialogUserLow!.Value;
        var peerIds = rows.Where(r => r.Chat.Type == ChatType.Dialog).Select(r => PeerOf(r.Chat)).Distinct().ToList();
        var now = time.GetUtcNow();
        var peers = new Dictionary<Guid, PublicProfile>();
        if (peerIds.Count > 0)
        {
            var users = await db.Users.AsNoTracking().Where(u => peerIds.Contains(u.Id)).ToListAsync(ct);
            foreach (var profile in await db.ProfilesForAsync(caller.UserId, users, now, ct))
            {
                peers[profile.Id] = profile;
            }
        }

        // Two more queries for the whole page: each chat's newest live message, and my unread and unread-mention
        // counts (messages after my read pointer, not mine, not deleted for everyone or for me).
        var chatIds = rows.Select(r => r.Chat.Id).ToList();
        var me = caller.UserId;
        // One index probe per chat (the newest live row of (chat_id, seq)), not a window over every message. My hidden
        // messages are a plain array filter: as an anti-join the planner read and sorted every message of each chat.
        var ids = chatIds.ToArray();
        var lastMessages = chatIds.Count == 0
            ? []
            : await db.Messages
                .FromSql($"""
                    WITH hidden AS (SELECT coalesce(array_agg(message_id), ARRAY[]::uuid[]) AS ids FROM hidden_messages WHERE user_id = {me} AND chat_id = ANY({ids}))
                    SELECT m.* FROM unnest({ids}) AS c(id)
                    CROSS JOIN LATERAL (
                        SELECT * FROM messages x WHERE x.chat_id = c.id AND x.deleted_at IS NULL AND x.id <> ALL((SELECT ids FROM hidden)::uuid[])
                        ORDER BY x.seq DESC LIMIT 1) m
                    """)
                .AsNoTracking()
                .ToDictionaryAsync(m => m.ChatId, ct);
        var unread = await unreadCounts.ForAsync(me, rows.Select(r => new Messages.UnreadCounts.Chat(r.Chat.Id, r.Me.ReadSeq, r.Chat.LastMessageSeq)).ToList(), ct);

        return rows.Select(r =>
        {
            var peer = r.Chat.Type == ChatType.Dialog ? peers[PeerOf(r.Chat)] : null;
            return new ChatListItem(
                r.Chat.Id,
                r.Chat.Type.Name(),
                peer is null ? r.Chat.Title : ChatViews.DisplayName(peer),
                peer?.AvatarUrl ?? r.Chat.AvatarUrl,
                lastMessages.TryGetValue(r.Chat.Id, out var last) ? new MessagePreview(last.Id, last.SenderId, Messages.MessageRules.Preview(last.Text), last.CreatedAt) : null,
                unread.TryGetValue(r.Chat.Id, out var counts) ? counts.Unread : 0,
                counts.Mentions,
                r.Me.Role.Name(),
                r.Me.MutedUntil > now,
                r.Chat.MemberCount,
                peer,
                r.Chat.LastActivityAt,
                r.Chat.EventSeq);
        }).ToList();
    }

    private sealed record ListCursor(DateTimeOffset LastActivityAt, Guid ChatId);
}
