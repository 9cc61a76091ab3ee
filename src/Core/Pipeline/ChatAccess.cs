using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Pipeline;

/// <summary>Who sees a chat: the chat and the caller's membership in one query, and the rule every write starts with.</summary>
public sealed class ChatAccess(DistaHilarDbContext db)
{
    /// <summary>
    /// The chat and the caller's membership in one query; either may be null. Tracked only for a write, which locks
    /// the chat row first (<see cref="WritePipeline"/>).
    /// </summary>
    public async Task<(Chat? Chat, ChatMember? Me)> LoadAsync(Guid userId, Guid chatId, CancellationToken ct, bool tracked = false)
    {
        var chats = tracked ? db.Chats : db.Chats.AsNoTracking();
        var members = tracked ? db.ChatMembers : db.ChatMembers.AsNoTracking();
        var row = await chats.Where(c => c.Id == chatId)
            .Select(c => new { Chat = c, Me = members.FirstOrDefault(m => m.ChatId == c.Id && m.UserId == userId) })
            .FirstOrDefaultAsync(ct);
        return (row?.Chat, row?.Me);
    }

    /// <summary>Writes need membership: 404 when the caller may not even see the chat, 403 for a public chat they have not joined.</summary>
    public static Problem? Visible(Chat? chat, ChatMember? me) => (chat, me) switch
    {
        (null, _) => Problem.NotFound("The chat"),
        (_, null) => NotMember(ChatRules.IsPreviewable(chat)),
        _ => null,
    };

    /// <summary>A write by someone who is not a member: 403 where they could join (a public group or channel), else 404.</summary>
    public static Problem NotMember(bool previewable) => previewable ? Problem.Forbidden("Join the chat first.") : Problem.NotFound("The chat");
}
