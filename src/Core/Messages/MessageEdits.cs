using DistaHilar.Core.Auth;
using DistaHilar.Core.Chats;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Media;
using DistaHilar.Core.Realtime;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Messages;

/// <summary>
/// Editing and deleting messages. Deleting checks every id of a batch before it writes anything: one id that is
/// unknown, of another chat, or not the caller's to delete refuses the whole batch.
/// </summary>
public sealed class MessageEdits(DistaHilarDbContext db, ChatService chats, RealtimeEvents events, IMediaStore store, TimeProvider time)
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

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (chat, me) = await chats.LoadAsync(caller, chatId, tracked: false, ct);
        if (ChatService.Visible(chat, me) is { } hidden)
        {
            return hidden;
        }

        var message = await db.Messages.FirstOrDefaultAsync(m => m.Id == messageId && m.ChatId == chatId && m.DeletedAt == null, ct);
        if (message is null)
        {
            return Problem.NotFound("The message");
        }

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
        await db.SaveChangesAsync(ct);
        var view = await MessageService.ViewAsync(db, store, message, ct);
        var (seq, _) = await db.NextSeqAsync(chatId, 0, ct);
        events.ToChat(chatId, seq, Updated, view);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await events.PublishAsync(ct);
        return view;
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

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (chat, me) = await chats.LoadAsync(caller, chatId, tracked: false, ct);
        if (ChatService.Visible(chat, me) is { } hidden)
        {
            return hidden;
        }

        var ids = request.MessageIds!.Distinct().ToList();
        var messages = await db.Messages.Where(m => ids.Contains(m.Id) && m.ChatId == chatId && m.DeletedAt == null).ToListAsync(ct);
        if (messages.Count != ids.Count)
        {
            return Problem.NotFound("One or more of the messages");
        }

        var moderates = chat!.Type != ChatType.Dialog && me!.Role >= ChatRole.Moderator;
        if (request.ForEveryone == true)
        {
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

            await db.SaveChangesAsync(ct);
            if (messages.Any(m => m.MediaCount > 0))
            {
                await MediaCleanup.ReleaseMessagesAsync(db, messages.Where(m => m.MediaCount > 0).Select(m => m.Id).ToArray(), now, ct);
            }

            var (seq, _) = await db.NextSeqAsync(chatId, 0, ct);
            events.ToChat(chatId, seq, Deleted, new MessagesDeleted(chatId, ids, true));
        }
        else
        {
            var already = await db.HiddenMessages.Where(h => h.UserId == caller.UserId && ids.Contains(h.MessageId)).Select(h => h.MessageId).ToListAsync(ct);
            db.HiddenMessages.AddRange(ids.Except(already).Select(id => new HiddenMessage { UserId = caller.UserId, MessageId = id, ChatId = chatId }));
            events.ToUser(caller.UserId, Deleted, new MessagesDeleted(chatId, ids, false), chatId);
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        await events.PublishAsync(ct);
        return Done.Value;
    }

    /// <summary>Pins or unpins a message (several per chat); doing it twice changes nothing. Members get <c>message.updated</c>.</summary>
    public async Task<Result<Done>> PinAsync(Caller caller, Guid chatId, Guid messageId, bool pinned, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (chat, me) = await chats.LoadAsync(caller, chatId, tracked: false, ct);
        if (ChatService.Visible(chat, me) is { } hidden)
        {
            return hidden;
        }

        if (!ChatRules.CanPin(chat!.Type, me!.Role))
        {
            return Problem.Forbidden("Only the owner, admins and moderators pin messages here.");
        }

        var message = await db.Messages.FirstOrDefaultAsync(m => m.Id == messageId && m.ChatId == chatId && m.DeletedAt == null, ct);
        if (message is null)
        {
            return Problem.NotFound("The message");
        }

        if ((message.PinnedAt is not null) != pinned)
        {
            message.PinnedAt = pinned ? time.GetUtcNow() : null;
            message.PinnedBy = pinned ? caller.UserId : null;
            await db.SaveChangesAsync(ct);
            var view = await MessageService.ViewAsync(db, store, message, ct);
            var (seq, _) = await db.NextSeqAsync(chatId, 0, ct);
            events.ToChat(chatId, seq, Updated, view);
            await db.SaveChangesAsync(ct);
        }

        await tx.CommitAsync(ct);
        await events.PublishAsync(ct);
        return Done.Value;
    }
}
