using System.Data;
using DistaHilar.Core.Data;
using DistaHilar.Core.Pipeline;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace DistaHilar.Core.Messages;

/// <summary>A new message as <see cref="SendStatement"/> writes it.</summary>
public sealed record NewMessage(Guid Id, Guid ChatId, Guid SenderId, string ClientMessageId, string? Text, Guid? ReplyToId, string[] MentionedUsernames, Guid[] MediaIds, DateTimeOffset Now);

/// <summary>What <see cref="SendStatement"/> did: wrote the message, or nothing, and why.</summary>
public abstract record SendOutcome
{
    /// <summary>Written and committed, with the chat's numbers and the outbox row holding <c>message.created</c>.</summary>
    public sealed record Sent(long Seq, ChatType ChatType, long OutboxId, string Payload) : SendOutcome;

    /// <summary>The sender's clientMessageId is taken: a retry of this message.</summary>
    public sealed record AlreadySent : SendOutcome;

    /// <summary>Not a member, or a channel subscriber.</summary>
    public sealed record MayNotPost : SendOutcome;

    public sealed record ReplyNotFound : SendOutcome;

    public sealed record MediaNotAttachable : SendOutcome;
}

/// <summary>
/// A whole send in one statement, in autocommit: the membership and role check, the clientMessageId check, the reply
/// and media checks, the chat's next message and event numbers, the message row (mentions resolved in SQL), its
/// attachments and their claim, the sender's read pointer, and the <c>message.created</c> outbox row with its numbers.
/// One round trip, so the chat row is locked only while the statement runs; a send into the same chat waits on that
/// lock and then numbers after it, so numbers stay gap-free in commit order. Any refusal updates nothing (every write
/// hangs off the chat row's update), and any error rolls the statement back whole. Membership is checked twice: in the
/// statement's snapshot (so a refusal touches no row), and by updating the sender's read pointer after the chat row's
/// lock, as the old three-step send did: a removal that committed meanwhile leaves no row, the message's sender is
/// then null, and the not-null error undoes the statement.
/// </summary>
public sealed class SendStatement(DistaHilarDbContext db)
{
    private const string Sql = """
        WITH me AS (
            SELECT role FROM chat_members WHERE chat_id = @chat AND user_id = @sender),
        checks AS (
            SELECT COALESCE((SELECT me.role >= @channel_poster OR c.type <> @channel FROM me, chats c WHERE c.id = @chat), FALSE) AS may_post,
                (SELECT id FROM messages WHERE chat_id = @chat AND sender_id = @sender AND client_message_id = @client_id) AS earlier,
                (@reply IS NULL OR EXISTS (SELECT 1 FROM messages WHERE id = @reply AND chat_id = @chat AND deleted_at IS NULL)) AS reply_ok,
                ((SELECT count(*) FROM media WHERE id = ANY(@media) AND owner_id = @sender AND completed_at IS NOT NULL AND status <> @failed) = cardinality(@media)) AS media_ok),
        c AS (
            UPDATE chats SET last_message_seq = last_message_seq + 1, event_seq = event_seq + 1, last_activity_at = @now
            FROM checks
            WHERE chats.id = @chat AND checks.may_post AND checks.earlier IS NULL AND checks.reply_ok AND checks.media_ok
            RETURNING chats.last_message_seq AS seq, chats.event_seq, chats.type),
        pointer AS (
            UPDATE chat_members m SET read_seq = c.seq FROM c
            WHERE m.chat_id = @chat AND m.user_id = @sender AND (c.type <> @channel OR m.role >= @channel_poster)
            RETURNING m.user_id),
        message AS (
            INSERT INTO messages (id, chat_id, seq, sender_id, client_message_id, text, reply_to_id, mentions, created_at, media_count, read_count)
            SELECT @id, @chat, c.seq, pointer.user_id, @client_id, @text, @reply,
                ARRAY(SELECT u.id FROM chat_members m JOIN users u ON u.id = m.user_id
                      WHERE m.chat_id = @chat AND m.user_id <> @sender AND u.username = ANY(@mentioned)),
                @now, cardinality(@media), 0
            FROM c LEFT JOIN pointer ON TRUE),
        attachments AS (
            INSERT INTO message_media (message_id, position, media_id)
            SELECT @id, (a.ordinal - 1)::smallint, a.media_id FROM c, unnest(@media) WITH ORDINALITY AS a(media_id, ordinal)),
        claimed AS (
            UPDATE media SET removable_after = NULL FROM c WHERE media.id = ANY(@media) AND media.removable_after IS NOT NULL),
        event AS (
            INSERT INTO outbox_messages (kind, target, chat_id, event, payload, created_at, available_at, attempts, logged, published_at)
            SELECT @kind, @target, @chat, @event,
                jsonb_set(jsonb_set(jsonb_set(@payload, '{seq}', to_jsonb(c.event_seq)), '{data,seq}', to_jsonb(c.seq)),
                    '{data,readByPeer}', CASE WHEN c.type = @dialog THEN 'false'::jsonb ELSE 'null'::jsonb END),
                @created_at, @available_at, 0, TRUE, @published_at
            FROM c
            RETURNING id, payload::text AS payload)
        SELECT checks.may_post, checks.earlier, checks.reply_ok, checks.media_ok, c.seq, c.type, event.id, event.payload
        FROM checks LEFT JOIN c ON TRUE LEFT JOIN event ON TRUE
        """;

    /// <summary>Runs the send; a clientMessageId taken by a racing copy of it comes back as <see cref="SendOutcome.AlreadySent"/> too.</summary>
    public async Task<SendOutcome> RunAsync(NewMessage message, OutboxMessage created, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(created);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand(Sql, connection);
            Add(command, message, created);
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, ct);
            await reader.ReadAsync(ct);
            if (!await reader.IsDBNullAsync(1, ct))
            {
                return new SendOutcome.AlreadySent();
            }

            // Membership first, so a stranger learns nothing about the chat's messages or someone's media.
            if (!reader.GetBoolean(0))
            {
                return new SendOutcome.MayNotPost();
            }

            if (!reader.GetBoolean(2))
            {
                return new SendOutcome.ReplyNotFound();
            }

            if (!reader.GetBoolean(3))
            {
                return new SendOutcome.MediaNotAttachable();
            }

            if (await reader.IsDBNullAsync(4, ct))
            {
                return new SendOutcome.MayNotPost(); // the chat was deleted while the statement waited for its row
            }

            return new SendOutcome.Sent(reader.GetInt64(4), (ChatType)reader.GetInt16(5), reader.GetInt64(6), reader.GetString(7));
        }
        catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: MessageConfiguration.ClientMessageIdIndex })
        {
            // Two racing copies of one send: both passed the check, the second waited on the chat row and lost here.
            return new SendOutcome.AlreadySent();
        }
        catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.NotNullViolation, TableName: "messages", ColumnName: "sender_id" })
        {
            // Removed (or demoted in a channel) by a change that committed while this statement waited for the chat
            // row: the membership row, updated after that wait, is gone, and the error undoes the numbers taken.
            return new SendOutcome.MayNotPost();
        }
        catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.ForeignKeyViolation, TableName: "message_media" })
        {
            // A medium removed by the cleanup while the statement ran (it had never been attached in time).
            return new SendOutcome.MediaNotAttachable();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static void Add(NpgsqlCommand command, NewMessage message, OutboxMessage created)
    {
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<Guid>("chat", message.ChatId));
        p.Add(new NpgsqlParameter<Guid>("sender", message.SenderId));
        p.Add(new NpgsqlParameter<Guid>("id", message.Id));
        p.Add(new NpgsqlParameter<string>("client_id", message.ClientMessageId));
        p.Add(new NpgsqlParameter("text", NpgsqlDbType.Text) { Value = (object?)message.Text ?? DBNull.Value });
        p.Add(new NpgsqlParameter("reply", NpgsqlDbType.Uuid) { Value = (object?)message.ReplyToId ?? DBNull.Value });
        p.Add(new NpgsqlParameter<string[]>("mentioned", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = message.MentionedUsernames });
        p.Add(new NpgsqlParameter<Guid[]>("media", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { TypedValue = message.MediaIds });
        p.Add(new NpgsqlParameter<DateTimeOffset>("now", message.Now));
        p.Add(new NpgsqlParameter<short>("failed", (short)MediaStatus.Failed));
        p.Add(new NpgsqlParameter<short>("channel", (short)ChatType.Channel));
        p.Add(new NpgsqlParameter<short>("dialog", (short)ChatType.Dialog));
        p.Add(new NpgsqlParameter<short>("channel_poster", (short)ChatRules.ChannelPoster));
        p.Add(new NpgsqlParameter<short>("kind", (short)created.Kind));
        p.Add(new NpgsqlParameter<string>("target", created.Target));
        p.Add(new NpgsqlParameter<string>("event", created.Event!));
        p.Add(new NpgsqlParameter<string>("payload", NpgsqlDbType.Jsonb) { TypedValue = created.Payload! });
        p.Add(new NpgsqlParameter<DateTimeOffset>("created_at", created.CreatedAt));
        p.Add(new NpgsqlParameter<DateTimeOffset>("available_at", created.AvailableAt));
        p.Add(new NpgsqlParameter("published_at", NpgsqlDbType.TimestampTz) { Value = (object?)created.PublishedAt ?? DBNull.Value });
    }
}
