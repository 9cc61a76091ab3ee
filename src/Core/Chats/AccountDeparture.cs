using DistaHilar.Core.Auth;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.Realtime;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Chats;

/// <summary>
/// A deleted account leaves every group and channel inside the deletion's transaction. A chat it owns goes to the
/// longest-serving admin, else the longest-serving member; a chat with nobody else in it is deleted. Dialogs stay:
/// the other person keeps the conversation, with "Deleted account" on the other side.
/// </summary>
public sealed class AccountDeparture(DistaHilarDbContext db, ChatService chats, WritePipeline pipeline, RealtimeEvents events) : IAccountDeletionStep
{
    /// <summary>
    /// Runs inside the deletion's transaction. Group memberships at the service are removed after the commit (the
    /// account's connections are closed by then and it can never connect again), not one REST call per chat before it.
    /// </summary>
    public async Task AccountDeletedAsync(Guid userId, CancellationToken ct)
    {
        // Chat by chat in id order, each under its row lock (as every change to a chat takes it), so two deletions
        // sharing chats lock them in the same order.
        var chatIds = await db.ChatMembers.AsNoTracking()
            .Where(m => m.UserId == userId && db.Chats.Any(c => c.Id == m.ChatId && c.Type != ChatType.Dialog))
            .Select(m => m.ChatId).OrderBy(id => id).ToListAsync(ct);
        foreach (var chatId in chatIds)
        {
            // A step of the deletion's change: a chat gone (or left) meanwhile is refused, and skipped.
            await pipeline.ChatAsync<Done>(userId, chatId, async write =>
            {
                if (write.Me.Role == ChatRole.Owner && !await HandOverAsync(write, ct))
                {
                    await chats.DeleteForEveryoneAsync(write.Chat, ct);
                    return Done.Value;
                }

                await chats.RemoveMemberAsync(write.Chat, write.Me, removedBy: null, ct, revokeNow: false);
                events.LeaveChatLater(userId, chatId);
                return Done.Value;
            }, ct);
        }
    }

    /// <summary>Makes the successor the owner and tells the members; false when there is nobody to hand over to.</summary>
    private async Task<bool> HandOverAsync(ChatWrite write, CancellationToken ct)
    {
        var (chat, owner) = (write.Chat, write.Me);
        var successor = await db.ChatMembers
            .Where(m => m.ChatId == chat.Id && m.UserId != owner.UserId)
            .OrderBy(m => m.Role == ChatRole.Admin ? 0 : 1).ThenBy(m => m.JoinedAt).ThenBy(m => m.UserId)
            .FirstOrDefaultAsync(ct);
        if (successor is null)
        {
            return false;
        }

        successor.Role = ChatRole.Owner;
        await write.AnnounceAsync(ChatEvents.MemberUpdated, new MembersUpdated(chat.Id, [new MemberRole(successor.UserId, ChatRole.Owner.Name())]), ct);
        return true;
    }
}
