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
/// then null, and the not-null error undoes the statement. The statement is the database function <c>send_message</c>
/// (in the Baseline migration): a function's plan is cached per server connection, which survives PgBouncer's
/// transaction pooling, where prepared statements do not; planning it anew cost more than running it.
/// </summary>
public sealed class SendStatement(DistaHilarDbContext db)
{
    private const string Sql = "SELECT * FROM send_message(@chat, @sender, @id, @client_id, @text, @reply, @mentioned, @media, @now, @failed, @channel, @dialog, @channel_poster, @kind, @target, @event, @payload, @created_at, @available_at, @published_at)";

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
