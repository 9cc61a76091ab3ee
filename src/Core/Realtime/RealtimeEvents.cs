using System.Text.Json;
using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Realtime;

/// <summary>
/// The transactional outbox, as a feature service sees it: calls record what the service must be told as rows of the
/// caller's unit of work (saved by its SaveChanges, inside its transaction); after the commit the caller calls
/// <see cref="PublishAsync"/>, which sends them at once. Whatever is not sent then, the dispatcher retries.
/// Lasting events are also the change log <c>GET /api/updates</c> reads, so they are recorded even with realtime not
/// configured (then as already handled); presence and group membership calls are recorded only for the service.
/// </summary>
public sealed class RealtimeEvents(DistaHilarDbContext db, OutboxPublisher publisher, AfterResponse afterResponse, IServiceScopeFactory scopes, SignalRSetup setup, IOptions<SignalROptions> options, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly List<OutboxMessage> recorded = [];

    /// <summary>A chat event for every current member: one group send, whatever the member count.</summary>
    public RealtimeEnvelope ToChat(Guid chatId, long seq, string type, object data)
    {
        var envelope = new RealtimeEnvelope(Guid.CreateVersion7(), type, chatId, seq, time.GetUtcNow(), data);
        Record(OutboxKind.SendToGroup, RealtimeGroups.Chat(chatId), null, type, envelope, chatId, logged: true);
        return envelope;
    }

    /// <summary>
    /// A chat event that a feature's own statement writes (one round trip, without SaveChanges): the outbox row, not
    /// added to the unit of work, its payload's <c>seq</c> 0 until that statement numbers it. Hand the id and payload
    /// the statement wrote to <see cref="Written"/>.
    /// </summary>
    public OutboxMessage PrepareToChat(Guid chatId, string type, object data)
    {
        var now = time.GetUtcNow();
        var envelope = new RealtimeEnvelope(Guid.CreateVersion7(), type, chatId, 0, now, data);
        return Row(OutboxKind.SendToGroup, RealtimeGroups.Chat(chatId), null, chatId, type, JsonSerializer.Serialize(envelope, Json), logged: true, now);
    }

    /// <summary>What a statement wrote for <paramref name="prepared"/> (its id, its numbered payload): published after the commit.</summary>
    public void Written(OutboxMessage prepared, long id, string payload)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        if (prepared.PublishedAt is null)
        {
            recorded.Add(new OutboxMessage
            {
                Id = id,
                Kind = prepared.Kind,
                Target = prepared.Target,
                Group = prepared.Group,
                ChatId = prepared.ChatId,
                Event = prepared.Event,
                Payload = payload,
                CreatedAt = prepared.CreatedAt,
                AvailableAt = prepared.AvailableAt,
                Logged = prepared.Logged,
            });
        }
    }

    /// <summary>An event for one user's connections (their other devices, or someone who is no longer in the chat's group).</summary>
    public void ToUser(Guid userId, string type, object data, Guid? chatId = null, long? seq = null) =>
        Record(OutboxKind.SendToUser, userId.ToString(), null, type, new RealtimeEnvelope(Guid.CreateVersion7(), type, chatId, seq, time.GetUtcNow(), data), chatId, logged: true);

    /// <summary>A passing state for one user's connections, not kept for catch-up (presence: a reconnecting client asks anew).</summary>
    public void ToUserTransient(Guid userId, string type, object data) =>
        Record(OutboxKind.SendToUser, userId.ToString(), null, type, new RealtimeEnvelope(Guid.CreateVersion7(), type, null, null, time.GetUtcNow(), data));

    /// <summary>
    /// Puts a chat event (the envelope <see cref="ToChat"/> returned, same event id, so clients that saw it live drop
    /// the copy) into every current member's own change log without sending it: for a chat about to be deleted, whose
    /// members the log can no longer find through the chat. One statement, whatever the member count; run it before
    /// the delete, in the same transaction.
    /// </summary>
    public Task LogForMembersAsync(RealtimeEnvelope envelope, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var now = time.GetUtcNow();
        var (chatId, type) = (envelope.ChatId, envelope.Type);
        var payload = JsonSerializer.Serialize(envelope, Json);
        return db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO outbox_messages (kind, target, chat_id, event, payload, created_at, available_at, attempts, logged, published_at)
            SELECT {(short)OutboxKind.SendToUser}, m.user_id::text, {chatId}, {type}, {payload}::jsonb, {now}, {now}, 0, TRUE, {now}
            FROM chat_members m WHERE m.chat_id = {chatId}
            """,
            ct);
    }

    /// <summary>The user starts receiving the chat's events (granting access happens after the commit).</summary>
    public void JoinChat(Guid userId, Guid chatId) => Record(OutboxKind.AddToGroup, userId.ToString(), RealtimeGroups.Chat(chatId), null, null, chatId);

    /// <summary>Best-effort cleanup of a membership that no longer matters, e.g. of a deleted chat.</summary>
    public void LeaveChatLater(Guid userId, Guid chatId) => Record(OutboxKind.RemoveFromGroup, userId.ToString(), RealtimeGroups.Chat(chatId), null, null, chatId);

    /// <summary>
    /// Revokes a user's chat membership at the service now, before the caller commits the change that removes them:
    /// if the service cannot be reached the change fails (503) instead of leaving a removed member listening. A
    /// commit that fails after this leaves a member without live events until their groups are next renewed (GroupRenewal).
    /// </summary>
    public Task RevokeChatAsync(Guid userId, Guid chatId, CancellationToken ct) =>
        setup.Connection is null ? Task.CompletedTask : publisher.RevokeAsync(userId.ToString(), RealtimeGroups.Chat(chatId), ct);

    /// <summary>An ended session's connections are closed after the commit (they may not hear another event).</summary>
    public void CloseSessionConnections(Guid sessionId) => Record(OutboxKind.CloseSessionConnections, sessionId.ToString(), null, null, null);

    /// <summary>A connection the app refuses (its session had ended when it connected) is closed.</summary>
    public void CloseConnection(string connectionId) => Record(OutboxKind.CloseConnection, connectionId, null, null, null);

    /// <summary>All the user's connections close, known to the app or not (every session ended).</summary>
    public void CloseUserConnections(Guid userId) => Record(OutboxKind.CloseUserConnections, userId.ToString(), null, null, null);

    /// <summary>
    /// Sends what this unit of work recorded, in order; call after the commit. In an HTTP request, events alone are
    /// sent without the response waiting for them (<see cref="AfterResponse"/>): the rows are committed, and the
    /// dispatcher sends whatever this does not. Never throws for the service's failures.
    /// </summary>
    public Task PublishAsync(CancellationToken ct)
    {
        if (recorded.Count == 0)
        {
            return Task.CompletedTask;
        }

        var batch = recorded.ToList();
        recorded.Clear();
        if (!batch.TrueForAll(row => row.Kind is OutboxKind.SendToGroup or OutboxKind.SendToUser))
        {
            // Group memberships and closed connections are done before the answer: the client's next request (a
            // send into the chat it was just added to) relies on them.
            return publisher.PublishOwnAsync(batch, ct);
        }

        // It starts now, alongside the response (so delivery is not later than before), in a scope of its own (the
        // request may go on using its DbContext), and not with the request's token: a client that hangs up once
        // answered must not stop its events.
        return afterResponse.Start(async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<OutboxPublisher>().PublishOwnAsync(batch, CancellationToken.None);
        });
    }

    /// <summary>Forgets what was recorded, after the unit of work that held it failed and was cleared.</summary>
    public void Discard() => recorded.Clear();

    private void Record(OutboxKind kind, string target, string? group, string? type, RealtimeEnvelope? envelope, Guid? chatId = null, bool logged = false)
    {
        var live = setup.Connection is not null;
        if (!live && !logged)
        {
            return;
        }

        var message = Row(kind, target, group, chatId, type, envelope is null ? null : JsonSerializer.Serialize(envelope, Json), logged, time.GetUtcNow());
        db.OutboxMessages.Add(message);
        if (live)
        {
            recorded.Add(message);
        }
    }

    /// <summary>A new row: waiting to be sent when the service is configured, else already handled (kept for the change log).</summary>
    private OutboxMessage Row(OutboxKind kind, string target, string? group, Guid? chatId, string? type, string? payload, bool logged, DateTimeOffset now) => new()
    {
        Kind = kind,
        Target = target,
        Group = group,
        ChatId = chatId,
        Event = type,
        Payload = payload,
        CreatedAt = now,
        AvailableAt = now + options.Value.OutboxClaimDelay,
        Logged = logged,
        PublishedAt = setup.Connection is null ? now : null,
    };
}

