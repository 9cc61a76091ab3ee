using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Media;
using DistaHilar.Core.Pipeline;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Messages;

/// <summary>
/// Editing, pinning and deleting messages. An edit or a pin is one read and one statement (<see cref="MessageChanges"/>).
/// Deleting checks every id of a batch before it writes anything: one id that is unknown, of another chat, or not the
/// caller's to delete refuses the whole batch.
/// </summary>
public sealed class MessageEdits(DistaHilarDbContext db, WritePipeline pipeline, MessageChanges changes, MediaCleanup mediaCleanup, TimeProvider time)
{
    public const string Updated = "message.updated";
    public const string Deleted = "messages.deleted";

    /// <summary>The author changes the text; <c>editedAt</c> is set and every member gets <c>message.updated</c>.</summary>
    public async Task<Result<MessageView>> EditAsync(Caller caller, Guid chatId, Guid messageId, EditMessageRequest request, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        var edited = await changes.ChangeAsync(caller.UserId, chatId, messageId, message =>
        {
            if (message.SenderId != caller.UserId)
            {
                return Problem.Forbidden("Only the author edits a message.");
            }

            if (message.Service is not null)
            {
                return Problem.Forbidden("A service message (a call's record) cannot be edited.");
            }

            if (message.ForwardedFromMessageId is not null)
            {
                // New words would appear under the original author's name.
                return Problem.Unprocessable("A forwarded message cannot be edited.");
            }

            if (message.MediaCount > 0 && request.Text!.Length > MessageRules.MaxCaption)
            {
                return Problem.Validation("text", $"A caption has at most {MessageRules.MaxCaption} characters.");
            }

            message.Text = request.Text;
            message.EditedAt = time.GetUtcNow();
            return true;
        }, ct);
        return edited.IsSuccess ? edited.Value! : edited.Problem;
    }

    /// <summary>
    /// For everyone: authors their own messages; in groups and channels the owner, admins and moderators anyone's.
    /// The rows stay as tombstones without text. For me: hidden from my history only.
    /// </summary>
    public async Task<Result<Done>> DeleteAsync(Caller caller, Guid chatId, DeleteMessagesRequest request, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        return await pipeline.ChatAsync<Done>(caller.UserId, chatId, async write =>
        {
            var ids = request.MessageIds!.Distinct().ToList();
            var messages = await db.Messages.Where(m => ids.Contains(m.Id) && m.ChatId == chatId && m.DeletedAt == null).ToListAsync(ct);
            if (messages.Count != ids.Count)
            {
                return Problem.NotFound("One or more of the messages");
            }

            if (request.ForEveryone != true)
            {
                var already = await db.HiddenMessages.Where(h => h.UserId == caller.UserId && ids.Contains(h.MessageId)).Select(h => h.MessageId).ToListAsync(ct);
                db.HiddenMessages.AddRange(ids.Except(already).Select(id => new HiddenMessage { UserId = caller.UserId, MessageId = id, ChatId = chatId }));
                write.Events.ToUser(caller.UserId, Deleted, new MessagesDeleted(chatId, ids, false), chatId);
                return Done.Value;
            }

            var moderates = write.Chat.Type != ChatType.Dialog && write.Me.Role >= ChatRole.Moderator;
            if (messages.Any(m => m.SenderId != caller.UserId) && !moderates)
            {
                return Problem.Forbidden("You may delete only your own messages for everyone.");
            }

            var now = time.GetUtcNow();
            foreach (var message in messages)
            {
                message.DeletedAt = now;
                message.Text = null;
            }

            if (messages.Any(m => m.MediaCount > 0))
            {
                await db.SaveChangesAsync(ct);
                await mediaCleanup.ReleaseMessagesAsync(messages.Where(m => m.MediaCount > 0).Select(m => m.Id).ToArray(), now, ct);
            }

            await write.AnnounceAsync(Deleted, new MessagesDeleted(chatId, ids, true), ct);
            return Done.Value;
        }, ct);
    }

    /// <summary>Pins or unpins a message (several per chat); doing it twice changes nothing. Members get <c>message.updated</c>.</summary>
    public async Task<Result<Done>> PinAsync(Caller caller, Guid chatId, Guid messageId, bool pinned, CancellationToken ct)
    {
        var result = await changes.ChangeAsync(caller.UserId, chatId, messageId, message =>
        {
            if ((message.PinnedAt is not null) == pinned)
            {
                return false;
            }

            message.PinnedAt = pinned ? time.GetUtcNow() : null;
            message.PinnedBy = pinned ? caller.UserId : null;
            return true;
        }, ct, rule: (type, role) => ChatRules.CanPin(type, role) ? null : Problem.Forbidden("Only the owner, admins and moderators pin messages here."));
        return result.IsSuccess ? Done.Value : result.Problem;
    }
}
