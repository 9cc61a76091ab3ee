using System.Net;
using System.Text.Json;
using DistaHilar.Core.Data;
using DistaHilar.Core.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Realtime;

/// <summary>
/// Sends outbox rows to the SignalR Service and retires the ones it accepted (or refused for good): deleted, or kept
/// as handled when they belong to the change log. Delivery is at least once: a row sent but not yet retired when a
/// process dies is sent again, with the same event id.
/// </summary>
public sealed class OutboxPublisher(
    DistaHilarDbContext db,
    SignalRService signalR,
    RealtimeCircuit circuit,
    OutboxRetirement retirement,
    IOptions<SignalROptions> options,
    TimeProvider time,
    AppMetrics metrics,
    ILogger<OutboxPublisher> log)
{
    /// <summary>How long a dispatcher owns the rows it claimed; another instance takes them over after that.</summary>
    private static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(60);

    /// <summary>Upper bound for publishing after a commit, so a slow service cannot hold a request for long.</summary>
    private static readonly TimeSpan AfterCommitBudget = TimeSpan.FromSeconds(10);

    private enum Outcome
    {
        Delivered,
        Refused,
        Failed,
    }

    /// <summary>
    /// Publishes rows the current request just committed, in order, stopping at the first failure (the dispatcher
    /// retries the rest). Skipped while the service is known to be failing, so requests stay fast during an outage.
    /// </summary>
    public async Task PublishOwnAsync(IReadOnlyList<OutboxMessage> rows, CancellationToken ct)
    {
        if (circuit.IsOpen)
        {
            return;
        }

        // The change is committed: a client that hangs up must not stop its events from going out.
        using var budget = new CancellationTokenSource(AfterCommitBudget, time);
        var done = new List<long>();
        foreach (var row in rows)
        {
            if (await SendAsync(row, budget.Token) == Outcome.Failed)
            {
                break;
            }

            done.Add(row.Id);
        }

        // Together with the other requests' rows, in the background: the invocation (and with it, the host's
        // connection to the client) need not wait for bookkeeping. Rows not retired in the end are sent again by the
        // dispatcher after the claim delay, with the same event ids.
        _ = retirement.RetireAsync(done);
    }

    /// <summary>
    /// Claims due rows (the longest-due first, skipping rows another instance holds) and sends them; returns how many it took
    /// and whether the service failed on one.
    /// </summary>
    public async Task<(int Taken, bool Failed)> DispatchDueAsync(int batchSize, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var leaseEnd = now + ClaimLease;
        var rows = await db.OutboxMessages
            .FromSql($"""
                UPDATE outbox_messages SET attempts = attempts + 1, available_at = {leaseEnd}
                WHERE id IN (SELECT id FROM outbox_messages WHERE published_at IS NULL AND available_at <= {now} ORDER BY available_at, id LIMIT {batchSize} FOR UPDATE SKIP LOCKED)
                RETURNING *
                """)
            .AsNoTracking()
            .ToListAsync(ct);
        var done = new List<long>();
        var failed = new List<OutboxMessage>();
        foreach (var row in rows.OrderBy(r => r.Id))
        {
            // Once the service fails, the rest of the batch waits for the next attempt instead of each timing out.
            if (failed.Count > 0 || await SendAsync(row, ct) == Outcome.Failed)
            {
                failed.Add(row);
            }
            else
            {
                done.Add(row.Id);
            }
        }

        await retirement.RetireAsync(done);
        foreach (var row in failed)
        {
            // 1 s, 2 s, 4 s, … up to the configured ceiling.
            var delay = TimeSpan.FromSeconds(Math.Min(options.Value.OutboxMaxRetryDelay.TotalSeconds, Math.Pow(2, Math.Min(row.Attempts - 1, 20))));
            var next = time.GetUtcNow() + delay;
            await db.OutboxMessages.Where(m => m.Id == row.Id).ExecuteUpdateAsync(m => m.SetProperty(x => x.AvailableAt, next), ct);
        }

        return (rows.Count, failed.Count > 0);
    }

    /// <summary>Unpublished rows, due or not, up to <paramref name="cap"/> (the partial index on unpublished rows answers it).</summary>
    public Task<int> CountUnpublishedAsync(int cap, CancellationToken ct) =>
        db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM (SELECT 1 FROM outbox_messages WHERE published_at IS NULL LIMIT {cap}) AS unpublished").SingleAsync(ct);

    /// <summary>Removes a user from a group now; a user the service does not know is already out.</summary>
    public async Task RevokeAsync(string userId, string group, CancellationToken ct)
    {
        try
        {
            await signalR.RemoveUserFromGroupAsync(userId, group, ct);
        }
        catch (HttpRequestException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    /// <summary>
    /// Closes the connections recorded for the session. Read after the revocation committed: a connection that
    /// registered before it is listed here (registration holds a share lock on the live session row, which the
    /// revocation waits for), and one that registers after it finds the session ended and is closed on its own.
    /// </summary>
    private async Task CloseSessionAsync(Guid sessionId, CancellationToken ct)
    {
        var connections = await db.UserConnections.AsNoTracking().Where(c => c.SessionId == sessionId).Select(c => c.ConnectionId).ToListAsync(ct);
        foreach (var connection in connections)
        {
            await CloseAsync(connection, ct);
        }
    }

    /// <summary>A connection the service no longer has is already closed.</summary>
    private async Task CloseAsync(string connectionId, CancellationToken ct)
    {
        try
        {
            await signalR.CloseConnectionAsync(connectionId, "session ended", ct);
        }
        catch (HttpRequestException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }

    private async Task<Outcome> SendAsync(OutboxMessage row, CancellationToken ct)
    {
        try
        {
            switch (row.Kind)
            {
                case OutboxKind.SendToUser:
                    await signalR.SendToUserAsync(row.Target, row.Event!, [Payload(row)], ct);
                    break;
                case OutboxKind.SendToGroup:
                    await signalR.SendToGroupAsync(row.Target, row.Event!, [Payload(row)], ct);
                    break;
                case OutboxKind.AddToGroup:
                    if (!await GrantAsync(row, ct))
                    {
                        log.LogInformation("Outbox row {Id}: user {User} left chat {Chat} before the grant; dropped", row.Id, row.Target, row.ChatId);
                        return Outcome.Refused;
                    }

                    break;
                case OutboxKind.RemoveFromGroup:
                    await RevokeAsync(row.Target, row.Group!, ct);
                    break;
                case OutboxKind.CloseConnection:
                    await CloseAsync(row.Target, ct);
                    break;
                case OutboxKind.CloseSessionConnections:
                    await CloseSessionAsync(Guid.Parse(row.Target), ct);
                    break;
                case OutboxKind.CloseUserConnections:
                    await signalR.CloseUserConnectionsAsync(row.Target, ct);
                    break;
                default:
                    log.LogError("Outbox row {Id} has unknown kind {Kind}; dropped", row.Id, row.Kind);
                    return Outcome.Refused;
            }

            circuit.Close();
            metrics.EventPublished(row.Kind.ToString());
            return Outcome.Delivered;
        }
        catch (HttpRequestException ex) when (ex.StatusCode is { } status && (int)status is >= 400 and < 500 && status is not (HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout))
        {
            // The service will never take this one (e.g. too large): retrying would block nothing but waste calls.
            log.LogError("SignalR Service refused outbox row {Id} ({Kind} {Event}) with {Status}; dropped", row.Id, row.Kind, row.Event, (int)status);
            metrics.EventFailed(row.Kind.ToString(), dropped: true);
            return Outcome.Refused;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or TimeoutException)
        {
            // Unreachable, throttled, failing or out of time (also when the host stops): the row stays for a retry.
            circuit.Trip();
            metrics.EventFailed(row.Kind.ToString(), dropped: false);
            log.LogWarning("Outbox row {Id} ({Kind} {Event}) not delivered yet: {Error}", row.Id, row.Kind, row.Event, ex.Message);
            return Outcome.Failed;
        }
    }

    /// <summary>
    /// Adds the user to the chat's group while holding a share lock on their membership row: a removal deletes that
    /// row before it revokes, so it waits for this grant and revokes after it, or commits first and this finds no row.
    /// </summary>
    private async Task<bool> GrantAsync(OutboxMessage row, CancellationToken ct)
    {
        var userId = Guid.Parse(row.Target);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var member = await db.Database
            .SqlQuery<int>($"SELECT 1 AS \"Value\" FROM chat_members WHERE chat_id = {row.ChatId} AND user_id = {userId} FOR SHARE")
            .ToListAsync(ct);
        if (member.Count == 0)
        {
            return false;
        }

        await signalR.AddUserToGroupAsync(row.Target, row.Group!, options.Value.GroupMembershipTtl, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    private static JsonElement Payload(OutboxMessage row)
    {
        using var document = JsonDocument.Parse(row.Payload ?? "null");
        return document.RootElement.Clone();
    }
}

/// <summary>
/// Remembers that the service just failed, so requests skip publishing for a few seconds and leave it to the
/// dispatcher instead of each waiting out the retries. Any success closes it.
/// </summary>
public sealed class RealtimeCircuit(TimeProvider time)
{
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(5);
    private long openUntilTicks;

    public bool IsOpen => time.GetUtcNow().UtcTicks < Interlocked.Read(ref openUntilTicks);

    public void Trip() => Interlocked.Exchange(ref openUntilTicks, (time.GetUtcNow() + Pause).UtcTicks);

    public void Close() => Interlocked.Exchange(ref openUntilTicks, 0);
}
