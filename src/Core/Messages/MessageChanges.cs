using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.Realtime;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace DistaHilar.Core.Messages;

/// <summary>
/// A change of one message's text or pin, with <c>message.updated</c>: one read (the chat, the caller's role, the
/// message and the one it replies to) and one statement in autocommit, <c>change_message</c> (MessageChangeStatement
/// migration), where a transaction held the chat row across six round trips. The change and its event are decided from
/// the read; the statement locks the chat row and writes only if what the read saw still holds, so the event is what
/// was written. When another change got in between (an edit, a pin, a deletion, a demotion), it reads again and decides
/// anew; every miss means another change was written, so only one message changed many times over can run out of tries.
/// </summary>
public sealed class MessageChanges(DistaHilarDbContext db, WritePipeline pipeline, RealtimeEvents events, MessageViews views)
{
    /// <summary>Reads before giving up with 409: a miss is rare (someone changed this very message meanwhile).</summary>
    public const int Attempts = 4;

    private const string Sql = "SELECT * FROM change_message(@chat, @user, @message, @seen_role, @seen_edited, @seen_pinned, @reply, @text, @edited_at, @pinned_at, @pinned_by, @dialog, @kind, @target, @event, @payload, @created_at, @available_at, @published_at)";

    /// <summary>
    /// Applies <paramref name="change"/> to the caller's view of a live message of the chat, then writes it with its
    /// event. <paramref name="change"/> edits the (untracked) message in place and says whether it changed anything
    /// (nothing is written when not) or why it may not; <paramref name="rule"/> checks the caller's role first.
    /// The result is the message as members now see it, or null when nothing changed.
    /// </summary>
    public async Task<Result<MessageView?>> ChangeAsync(Guid userId, Guid chatId, Guid messageId, Func<Message, Result<bool>> change, CancellationToken ct, Func<ChatType, ChatRole, Problem?>? rule = null)
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var seen = await ReadAsync(userId, chatId, messageId, ct);
            if (seen is null)
            {
                return Problem.NotFound("The chat");
            }

            if (seen.Role is not { } role)
            {
                return ChatAccess.NotMember(ChatRules.IsPreviewable(seen.Type, seen.IsPublic));
            }

            if (rule?.Invoke(seen.Type, role) is { } refused)
            {
                return refused;
            }

            if (seen.Message is not { } message)
            {
                return Problem.NotFound("The message");
            }

            var (editedBefore, pinnedBefore) = (message.EditedAt, message.PinnedAt);
            var changed = change(message);
            if (!changed.IsSuccess || !changed.Value)
            {
                return changed.IsSuccess ? (MessageView?)null : changed.Problem;
            }

            var media = message.MediaCount > 0 ? (await views.AttachmentsAsync([message], ct)).GetValueOrDefault(message.Id) : null;
            var view = MessageViews.View(message, seen.ReplyTo, media: media);
            var prepared = events.PrepareToChat(chatId, MessageEdits.Updated, view);
            var (status, outboxId, payload) = await db.RunStatementAsync(
                Sql,
                p =>
                {
                    p.Add(new NpgsqlParameter<Guid>("chat", chatId));
                    p.Add(new NpgsqlParameter<Guid>("user", userId));
                    p.Add(new NpgsqlParameter<Guid>("message", messageId));
                    p.Add(new NpgsqlParameter<short>("seen_role", (short)role));
                    p.Add(Nullable("seen_edited", NpgsqlDbType.TimestampTz, editedBefore));
                    p.Add(Nullable("seen_pinned", NpgsqlDbType.TimestampTz, pinnedBefore));
                    p.Add(Nullable("reply", NpgsqlDbType.Uuid, seen.ReplyTo?.Id));
                    p.Add(Nullable("text", NpgsqlDbType.Text, message.Text));
                    p.Add(Nullable("edited_at", NpgsqlDbType.TimestampTz, message.EditedAt));
                    p.Add(Nullable("pinned_at", NpgsqlDbType.TimestampTz, message.PinnedAt));
                    p.Add(Nullable("pinned_by", NpgsqlDbType.Uuid, message.PinnedBy));
                    p.Add(new NpgsqlParameter<short>("dialog", (short)ChatType.Dialog));
                    p.AddOutboxRow(prepared);
                },
                async (reader, token) =>
                {
                    await reader.ReadAsync(token);
                    return (
                        Status: reader.GetInt16(0),
                        OutboxId: await reader.IsDBNullAsync(1, token) ? 0 : reader.GetInt64(1),
                        Payload: await reader.IsDBNullAsync(2, token) ? null : reader.GetString(2));
                },
                ct);
            switch (status)
            {
                case 0:
                    await pipeline.PublishWrittenAsync(prepared, outboxId, payload!, ct);
                    return view;
                case 1:
                    return ChatAccess.NotMember(previewable: false);
                case 2:
                    return ChatAccess.NotMember(previewable: true);
            }

            // 3: the message, its reply's preview or the caller's role changed since the read.
        }

        return Problem.Conflict("message", "The message was changed by others while this change was written; try again.");
    }

    private static NpgsqlParameter Nullable(string name, NpgsqlDbType type, object? value) => new(name, type) { Value = value ?? DBNull.Value };

    /// <summary>
    /// The chat, the caller's role in it, the live message and the live message it replies to, in one query; null
    /// when there is no such chat. The message is only looked at once the caller is known to be a member.
    /// </summary>
    private Task<Seen?> ReadAsync(Guid userId, Guid chatId, Guid messageId, CancellationToken ct) =>
        db.Chats.AsNoTracking()
            .Where(c => c.Id == chatId)
            .Select(c => new Seen(
                c.Type,
                c.IsPublic,
                db.ChatMembers.Where(m => m.ChatId == c.Id && m.UserId == userId).Select(m => (ChatRole?)m.Role).FirstOrDefault(),
                db.Messages.FirstOrDefault(m => m.Id == messageId && m.ChatId == c.Id && m.DeletedAt == null),
                db.Messages.FirstOrDefault(r => (Guid?)r.Id == db.Messages.Where(m => m.Id == messageId).Select(m => m.ReplyToId).FirstOrDefault() && r.DeletedAt == null)))
            .FirstOrDefaultAsync(ct);

    private sealed record Seen(ChatType Type, bool IsPublic, ChatRole? Role, Message? Message, Message? ReplyTo);
}
