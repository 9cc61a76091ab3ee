using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
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
/// A whole send in one statement, in autocommit: the database function <c>send_message</c> (SendSteps migration) locks
/// the chat row, then checks membership and role, the clientMessageId, the reply and the media, takes the chat's next
/// message and event numbers, writes the message (mentions resolved in SQL), its attachments and their claim, the
/// sender's read pointer, and the <c>message.created</c> outbox row with its numbers. One round trip, so the chat row is
/// locked only while the function runs; a send into the same chat waits on that lock, checks after it (a racing copy
/// of itself is then "earlier", a removal that committed meanwhile a refusal) and numbers after it, so numbers stay
/// gap-free in commit order. Any refusal returns before anything is written, and any error rolls the statement back
/// whole. A function's plans are cached per server connection, which survives PgBouncer's transaction pooling, where
/// prepared statements do not; planning it anew cost more than running it.
/// </summary>
public sealed class SendStatement(DistaHilarDbContext db, SendLanes lanes)
{
    private const string Sql = "SELECT * FROM send_message(@chat, @sender, @id, @client_id, @text, @reply, @mentioned, @media, @now, @failed, @channel, @dialog, @channel_poster, @kind, @target, @event, @payload, @created_at, @available_at, @published_at)";
    private const string BatchSql = "SELECT * FROM send_messages(@chat, @sends, @failed, @channel, @dialog, @channel_poster)";

    /// <summary>
    /// Runs the send, alone or in the batch of sends queued behind its chat's running one (<see cref="SendLanes"/>);
    /// a clientMessageId taken by a racing copy of it comes back as <see cref="SendOutcome.AlreadySent"/> too.
    /// </summary>
    public async Task<SendOutcome> RunAsync(NewMessage message, OutboxMessage created, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(created);
        var me = new QueuedSend(message, created);
        IReadOnlyList<QueuedSend> batch = [me];
        if (!lanes.TryLead(me))
        {
            SendTurn turn;
            await using (ct.Register(() =>
            {
                if (lanes.TryWithdraw(me))
                {
                    me.Answer(new SendTurn.Alone()); // and alone it stops at once, on the cancelled token
                }
            }))
            {
                turn = await me.Turn;
            }

            switch (turn)
            {
                case SendTurn.Done done:
                    return done.Outcome;
                case SendTurn.Alone:
                    return await RunOneAsync(message, created, ct);
                case SendTurn.Lead lead:
                    batch = lead.Batch;
                    break;
            }
        }

        IReadOnlyList<SendOutcome>? outcomes = null;
        try
        {
            // A batch runs to its end whatever happens to the leader's request: the others wait on it.
            outcomes = batch.Count == 1 ? [await RunOneAsync(message, created, ct)] : await RunBatchAsync(batch, CancellationToken.None);
        }
        catch (NpgsqlException) when (batch.Count > 1)
        {
            // The batch wrote nothing: each send runs alone, where its own error has its own meaning (a racing copy,
            // a removal meanwhile), or the database's failure reaches each request as it would have anyway.
        }
        finally
        {
            lanes.Finished(message.ChatId);
            for (var i = 1; i < batch.Count; i++)
            {
                batch[i].Answer(outcomes is null ? new SendTurn.Alone() : new SendTurn.Done(outcomes[i]));
            }
        }

        return outcomes?[0] ?? await RunOneAsync(message, created, ct);
    }

    private async Task<SendOutcome> RunOneAsync(NewMessage message, OutboxMessage created, CancellationToken ct)
    {
        try
        {
            return await db.RunStatementAsync(
                Sql,
                p => Add(p, message, created),
                async (reader, token) =>
                {
                    await reader.ReadAsync(token);
                    return await ReadAsync(reader, token);
                },
                ct);
        }
        catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: MessageConfiguration.ClientMessageIdIndex })
        {
            // Two racing copies of one send: the second checks after the first's lock, so it sees the first as "earlier";
            // the unique index stays the last word should any copy get past that check.
            return new SendOutcome.AlreadySent();
        }
        catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.NotNullViolation, TableName: "messages", ColumnName: "sender_id" })
        {
            // Removed (or demoted in a channel) by a change that did not go through the chat row's lock: the membership
            // row, updated for the read pointer, names the sender, and the error undoes the numbers taken.
            return new SendOutcome.MayNotPost();
        }
        catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.ForeignKeyViolation, TableName: "message_media" })
        {
            // A medium removed by the cleanup while the statement ran (it had never been attached in time).
            return new SendOutcome.MediaNotAttachable();
        }
    }

    /// <summary>The sends of one chat in one statement (<c>send_messages</c>): a row per send, in the batch's order.</summary>
    private Task<IReadOnlyList<SendOutcome>> RunBatchAsync(IReadOnlyList<QueuedSend> batch, CancellationToken ct) =>
        db.RunStatementAsync<IReadOnlyList<SendOutcome>>(
            BatchSql,
            p =>
            {
                p.Add(new NpgsqlParameter<Guid>("chat", batch[0].Message.ChatId));
                p.Add(new NpgsqlParameter<string>("sends", NpgsqlDbType.Jsonb) { TypedValue = SendsJson(batch) });
                AddConstants(p);
            },
            async (reader, token) =>
            {
                var outcomes = new List<SendOutcome>(batch.Count);
                while (await reader.ReadAsync(token))
                {
                    outcomes.Add(await ReadAsync(reader, token));
                }

                return outcomes.Count == batch.Count ? outcomes : throw new InvalidOperationException($"send_messages answered {outcomes.Count} of {batch.Count} sends.");
            },
            ct);

    private static async Task<SendOutcome> ReadAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
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

    /// <summary>The batch as send_messages reads it; times at PostgreSQL's precision, cut as the lone send's parameters are.</summary>
    private static string SendsJson(IReadOnlyList<QueuedSend> batch)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var (message, created) in batch.Select(s => (s.Message, s.Created)))
            {
                json.WriteStartObject();
                json.WriteString("sender", message.SenderId);
                json.WriteString("id", message.Id);
                json.WriteString("clientId", message.ClientMessageId);
                json.WriteString("text", message.Text);
                if (message.ReplyToId is { } reply)
                {
                    json.WriteString("reply", reply);
                }

                json.WriteStartArray("mentioned");
                foreach (var name in message.MentionedUsernames)
                {
                    json.WriteStringValue(name);
                }

                json.WriteEndArray();
                json.WriteStartArray("media");
                foreach (var id in message.MediaIds)
                {
                    json.WriteStringValue(id);
                }

                json.WriteEndArray();
                json.WriteString("now", Micros(message.Now));
                json.WriteNumber("kind", (short)created.Kind);
                json.WriteString("target", created.Target);
                json.WriteString("event", created.Event);
                json.WritePropertyName("payload");
                json.WriteRawValue(created.Payload!);
                json.WriteString("createdAt", Micros(created.CreatedAt));
                json.WriteString("availableAt", Micros(created.AvailableAt));
                if (created.PublishedAt is { } published)
                {
                    json.WriteString("publishedAt", Micros(published));
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Micros(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static void AddConstants(NpgsqlParameterCollection p)
    {
        p.Add(new NpgsqlParameter<short>("failed", (short)MediaStatus.Failed));
        p.Add(new NpgsqlParameter<short>("channel", (short)ChatType.Channel));
        p.Add(new NpgsqlParameter<short>("dialog", (short)ChatType.Dialog));
        p.Add(new NpgsqlParameter<short>("channel_poster", (short)ChatRules.ChannelPoster));
    }

    private static void Add(NpgsqlParameterCollection p, NewMessage message, OutboxMessage created)
    {
        p.Add(new NpgsqlParameter<Guid>("chat", message.ChatId));
        p.Add(new NpgsqlParameter<Guid>("sender", message.SenderId));
        p.Add(new NpgsqlParameter<Guid>("id", message.Id));
        p.Add(new NpgsqlParameter<string>("client_id", message.ClientMessageId));
        p.Add(new NpgsqlParameter("text", NpgsqlDbType.Text) { Value = (object?)message.Text ?? DBNull.Value });
        p.Add(new NpgsqlParameter("reply", NpgsqlDbType.Uuid) { Value = (object?)message.ReplyToId ?? DBNull.Value });
        p.Add(new NpgsqlParameter<string[]>("mentioned", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = message.MentionedUsernames });
        p.Add(new NpgsqlParameter<Guid[]>("media", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { TypedValue = message.MediaIds });
        p.Add(new NpgsqlParameter<DateTimeOffset>("now", message.Now));
        AddConstants(p);
        p.AddOutboxRow(created);
    }
}
