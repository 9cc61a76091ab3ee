using DistaHilar.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Realtime;

/// <summary>
/// Keeps a user in their chats' groups at the service. Memberships are granted with a ttl (no 100-groups cap), so
/// they must be renewed: at negotiate, once less than half the ttl is left, every chat of the user gets a grant row
/// in the outbox, which the dispatcher sends (checking membership under a lock, as for any grant). Renewal also heals
/// a membership lost when a revocation succeeded but its commit failed.
/// </summary>
public sealed class GroupRenewal(DistaHilarDbContext db, SignalRSetup setup, IOptions<SignalROptions> options, TimeProvider time)
{
    /// <summary>Returns how many grants were queued; one statement, so a burst of negotiates queues them once.</summary>
    public async Task<int> RenewIfDueAsync(Guid userId, CancellationToken ct)
    {
        if (setup.Connection is null)
        {
            return 0;
        }

        var now = time.GetUtcNow();
        var ttl = options.Value.GroupMembershipTtl;
        // The grants go out after this statement, so each one's ttl ends later than the recorded "until".
        var until = now + ttl;
        var due = now + ttl / 2;
        var target = userId.ToString();
        return await db.Database.ExecuteSqlAsync(
            $"""
            WITH due AS (
                UPDATE users SET realtime_groups_until = {until}
                WHERE id = {userId} AND (realtime_groups_until IS NULL OR realtime_groups_until < {due})
                RETURNING id)
            INSERT INTO outbox_messages (kind, target, "group", chat_id, created_at, available_at, attempts)
            SELECT {(short)OutboxKind.AddToGroup}, {target}, 'chat:' || replace(m.chat_id::text, '-', ''), m.chat_id, {now}, {now}, 0
            FROM chat_members m JOIN due ON m.user_id = due.id
            """,
            ct);
    }
}

/// <summary><c>POST /api/negotiate</c>: where the caller's client connects, after making sure their chat groups are current.</summary>
public sealed class RealtimeNegotiation(SignalRService signalR, GroupRenewal renewal)
{
    public bool IsConfigured => signalR.IsConfigured;

    /// <param name="claims">What the connection's upstream events must carry (the session, so ending it closes the connection).</param>
    /// <param name="notAfter">When the access token the caller negotiated with expires: the client token ends no later.</param>
    public async Task<NegotiateResponse> NegotiateAsync(Guid userId, IReadOnlyDictionary<string, string> claims, DateTimeOffset notAfter, CancellationToken ct)
    {
        await renewal.RenewIfDueAsync(userId, ct);
        return await signalR.NegotiateAsync(userId.ToString(), claims, notAfter, ct);
    }
}
