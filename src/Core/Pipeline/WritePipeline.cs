using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Realtime;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DistaHilar.Core.Pipeline;

/// <summary>
/// The one write path. A feature says what changes; the pipeline says how it is written: it opens the transaction,
/// locks the chat and authorises the caller on it (<see cref="ChatAsync{T}"/>), runs the change, saves it with the
/// events the change recorded (outbox rows), commits, and then publishes them. A refusal (a problem the change returns)
/// or an error rolls everything back and forgets it — tracked entities and recorded events alike — so nothing is
/// written on any refusal; a refusal by the database that a concurrent change causes is answered by the change's
/// <see cref="OnConflict{T}"/>. Inside a transaction that is already open (a step of a larger change, such as an
/// account's deletion) it takes part in that one: the outer change commits and publishes.
/// A send writes with one statement of its own (<see cref="Messages.SendStatement"/>) and publishes through
/// <see cref="PublishWrittenAsync"/>.
/// </summary>
public sealed class WritePipeline(DistaHilarDbContext db, ChatAccess access, RealtimeEvents events)
{
    /// <summary>
    /// A change to one chat by one of its members. The chat row is locked first (FOR NO KEY UPDATE: rows that merely
    /// reference the chat can still be inserted), so changes to one chat run one after the other, each seeing the
    /// result of the one before; then the chat and the caller's membership are read. 404 when the caller may not see
    /// the chat, 403 for a public one they have not joined; <paramref name="rule"/> then checks the caller's role.
    /// </summary>
    public Task<Result<T>> ChatAsync<T>(Guid userId, Guid chatId, Func<ChatWrite, Task<Result<T>>> change, CancellationToken ct, Func<Chat, ChatMember, Problem?>? rule = null, OnConflict<T>? conflict = null) =>
        RunAsync(
            async () =>
            {
                var (chat, me) = await LoadAsync(userId, chatId, ct);
                var refused = ChatAccess.Visible(chat, me) ?? rule?.Invoke(chat!, me!);
                return refused ?? await change(new ChatWrite(db, events, chat!, me));
            },
            ct,
            conflict);

    /// <summary>
    /// A change to a chat the caller need not be a member of (joining it): the chat is locked and read as for
    /// <see cref="ChatAsync{T}"/>, 404 when it does not exist; the change decides what a stranger may do.
    /// </summary>
    public Task<Result<T>> AnyChatAsync<T>(Guid userId, Guid chatId, Func<ChatWrite, Task<Result<T>>> change, CancellationToken ct, OnConflict<T>? conflict = null) =>
        RunAsync(
            async () =>
            {
                var (chat, me) = await LoadAsync(userId, chatId, ct);
                return chat is null ? Problem.NotFound("The chat") : await change(new ChatWrite(db, events, chat, me));
            },
            ct,
            conflict);

    /// <summary>
    /// A change of rows no chat's order depends on (a user's own folders, sessions, media), in one transaction: for a
    /// change that reads under a lock it takes, or writes with statements of its own.
    /// </summary>
    public Task<Result<T>> RunAsync<T>(Func<Task<Result<T>>> change, CancellationToken ct, OnConflict<T>? conflict = null) =>
        WriteAsync(change, transaction: true, conflict, ct);

    /// <summary>
    /// A change that is only what it adds to the DbContext (rows, events), written by one SaveChanges with no
    /// transaction of its own around the reads before it: one round trip for a single row, the batch and its commit
    /// for more.
    /// </summary>
    public Task<Result<T>> SaveAsync<T>(Func<Task<Result<T>>> change, CancellationToken ct, OnConflict<T>? conflict = null) =>
        WriteAsync(change, transaction: false, conflict, ct);

    /// <summary><see cref="SaveAsync{T}"/> for a change that only records rows or events, with nothing to read or refuse.</summary>
    public Task<Result<Done>> SaveAsync(Action change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        return SaveAsync<Done>(
            () =>
            {
                change();
                return Task.FromResult<Result<Done>>(Done.Value);
            },
            ct);
    }

    /// <summary>
    /// A change that is one statement of its own in autocommit (a send), which wrote the outbox row
    /// <paramref name="prepared"/> describes: its id and numbered payload are published like any recorded event.
    /// </summary>
    public Task PublishWrittenAsync(OutboxMessage prepared, long outboxId, string payload, CancellationToken ct)
    {
        events.Written(prepared, outboxId, payload);
        return events.PublishAsync(ct);
    }

    private async Task<Result<T>> WriteAsync<T>(Func<Task<Result<T>>> change, bool transaction, OnConflict<T>? conflict, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (db.Database.CurrentTransaction is not null)
        {
            // A step of a larger change: that one saves, commits and publishes (or rolls back) all of it.
            var step = await change();
            if (step.IsSuccess)
            {
                await db.SaveChangesAsync(ct);
            }

            return step;
        }

        await using var tx = transaction ? await db.Database.BeginTransactionAsync(ct) : null;
        Result<T> result;
        try
        {
            result = await change();
            if (result.IsSuccess)
            {
                await db.SaveChangesAsync(ct);
                await (tx?.CommitAsync(ct) ?? Task.CompletedTask);
            }
        }
        catch (Exception ex) when (Refusal(ex) is { } refusal && conflict is not null && conflict.When(refusal))
        {
            await ForgetAsync(tx);
            return await conflict.Then(refusal, ct);
        }
        catch
        {
            await ForgetAsync(tx);
            throw;
        }

        if (!result.IsSuccess)
        {
            await ForgetAsync(tx);
            return result;
        }

        await events.PublishAsync(ct);
        return result;
    }

    /// <summary>
    /// The chat and the caller's membership, after the chat row's lock: the read runs after the wait, so it sees
    /// whatever the change that held the lock committed (a removal, a handover).
    /// </summary>
    private async Task<(Chat? Chat, ChatMember? Me)> LoadAsync(Guid userId, Guid chatId, CancellationToken ct)
    {
        await db.LockChatAsync(chatId, ct);
        return await access.LoadAsync(userId, chatId, ct, tracked: true);
    }

    /// <summary>Rolls back and forgets the unit of work: nothing it tracked is saved later, nothing it recorded is published.</summary>
    private async Task ForgetAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? tx)
    {
        db.ChangeTracker.Clear();
        events.Discard();
        if (tx is null)
        {
            return;
        }

        try
        {
            // Not with the request's token: a cancelled request must still leave the connection clean.
            await tx.RollbackAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            // The connection broke (the error being handled): disposing the transaction cleans up what is left.
        }
    }

    private static PostgresException? Refusal(Exception ex) => ex as PostgresException ?? ex.InnerException as PostgresException;
}
