using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.RateLimiting;
using DistaHilar.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Chats;

/// <summary>A public group or channel found by search: enough to preview and join it.</summary>
public sealed record PublicChatHit(Guid Id, string Type, string? Title, string? Description, string? AvatarUrl, int MemberCount);

/// <summary>
/// <c>GET /api/chats/search</c>, in three sections like Telegram's global search: my chats (titles, and dialogs by
/// the peer's name or username), public groups and channels I am not in, and users. Never another user's private
/// chat. Each section holds the best <c>limit</c> hits; a client narrows the text rather than paging.
/// </summary>
public sealed record ChatSearchResult(IReadOnlyList<ChatListItem> Chats, IReadOnlyList<PublicChatHit> PublicChats, IReadOnlyList<PublicProfile> Users);

public sealed class ChatSearch(DistaHilarDbContext db, ChatList list, UserService users, UserLimits limits)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 50;

    public async Task<Result<ChatSearchResult>> SearchAsync(Caller caller, string? query, string? limitText, CancellationToken ct)
    {
        var q = query?.Trim().ToLowerInvariant();
        var v = new Validator().Check(q is { Length: >= 1 and <= 64 }, "q", "A search text of 1 to 64 characters is required.");
        v.Check(PageRequest.TryParseLimit(limitText, DefaultLimit, MaxLimit, out var limit), "limit", PageRequest.LimitMessage(MaxLimit));
        if (v.ToProblem() is { } invalid)
        {
            return invalid;
        }

        if (limits.Check(UserAction.Search, caller.UserId) is { } limited)
        {
            return limited;
        }

        // Substring match from 3 characters (trigram indexes), prefix match below that.
        var pattern = q!.Length >= 3 ? SqlLike.Contains(q) : SqlLike.StartsWith(q);
        var me = caller.UserId;
        var mine = await db.ChatMembers.AsNoTracking()
            .Where(m => m.UserId == me)
            .Join(db.Chats.AsNoTracking(), m => m.ChatId, c => c.Id, (m, c) => new { Me = m, Chat = c })
            .Where(r => (r.Chat.Type != ChatType.Dialog && EF.Functions.ILike(r.Chat.Title!, pattern, "\\"))
                || (r.Chat.Type == ChatType.Dialog && db.Users.Any(u =>
                    (u.Id == r.Chat.DialogUserLow || u.Id == r.Chat.DialogUserHigh) && u.Id != me && u.DeletedAt == null
                    && (EF.Functions.Like(u.Username ?? "", pattern, "\\") || EF.Functions.Like((u.Name + " " + (u.Surname ?? "")).ToLower(), pattern, "\\")))))
            .OrderByDescending(r => r.Chat.LastActivityAt)
            .Take(limit)
            .ToListAsync(ct);

        var publicChats = await db.Chats.AsNoTracking()
            .Where(c => c.IsPublic && c.Type != ChatType.Dialog && EF.Functions.ILike(c.Title!, pattern, "\\"))
            .Where(c => !db.ChatMembers.Any(m => m.ChatId == c.Id && m.UserId == me))
            .OrderByDescending(c => c.MemberCount)
            .ThenBy(c => c.Id)
            .Take(limit)
            .Select(c => new PublicChatHit(c.Id, c.Type == ChatType.Group ? "group" : "channel", c.Title, c.Description, c.AvatarUrl, c.MemberCount))
            .ToListAsync(ct);

        var people = await users.SearchAsync(caller, q, new PageRequest(limit, null), metered: false, ct);
        return new ChatSearchResult(
            await list.ItemsAsync(caller, mine.Select(r => (r.Chat, r.Me)).ToList(), ct),
            publicChats,
            people.IsSuccess ? people.Value.Items : []);
    }
}
