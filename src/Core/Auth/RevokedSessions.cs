using System.Collections.Frozen;
using DistaHilar.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Auth;

/// <summary>
/// Which sessions ended while access tokens issued to them may still be unexpired, so such a token stops working
/// at once instead of when it runs out — without a database round trip per request. The set is small (sessions
/// revoked within one access-token lifetime) and re-read whole by one query at most every
/// <see cref="AuthOptions.RevocationRefreshInterval"/> per instance; this instance's own revocations apply
/// immediately. Another instance's revocation therefore applies within that interval.
/// </summary>
public sealed class RevokedSessions(IServiceScopeFactory scopes, IOptions<AuthOptions> options, TimeProvider time, ILogger<RevokedSessions> log) : IDisposable
{
    /// <summary>After a failed refresh (database down) the old set is used and the next try waits this long.</summary>
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim refreshing = new(1, 1);
    private volatile Snapshot current = new(FrozenSet<Guid>.Empty, DateTimeOffset.MinValue);
    private readonly Lock localLock = new();
    private Dictionary<Guid, DateTimeOffset> local = [];

    private AuthOptions Options => options.Value;

    /// <summary>Whether the session has ended (logout, revocation, password change, account deletion, token reuse).</summary>
    public async ValueTask<bool> IsRevokedAsync(Guid sessionId, CancellationToken ct)
    {
        var snapshot = current;
        if (time.GetUtcNow() >= snapshot.NextRefreshAt)
        {
            snapshot = await RefreshAsync(ct);
        }

        if (snapshot.Ids.Contains(sessionId))
        {
            return true;
        }

        lock (localLock)
        {
            return local.ContainsKey(sessionId);
        }
    }

    /// <summary>Sessions this instance just ended: refused here from now on, before the next refresh reads them.</summary>
    public void Add(IEnumerable<Guid> sessionIds)
    {
        ArgumentNullException.ThrowIfNull(sessionIds);
        var now = time.GetUtcNow();
        lock (localLock)
        {
            foreach (var id in sessionIds)
            {
                local[id] = now;
            }
        }
    }

    private async Task<Snapshot> RefreshAsync(CancellationToken ct)
    {
        await refreshing.WaitAsync(ct);
        try
        {
            var now = time.GetUtcNow();
            if (now < current.NextRefreshAt)
            {
                return current; // another request refreshed it while this one waited
            }

            // A token issued just before its session ended stays valid for one lifetime (plus the validator's skew).
            var since = now - Options.AccessTokenLifetime - TimeSpan.FromMinutes(1);
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<DistaHilarDbContext>();
                var ids = await db.Sessions.AsNoTracking().Where(s => s.RevokedAt > since).Select(s => s.Id).ToListAsync(ct);
                current = new Snapshot(ids.ToFrozenSet(), now + Options.RevocationRefreshInterval);
                lock (localLock)
                {
                    // What the database now shows no longer needs remembering here; a local entry is kept until then.
                    local = local.Where(e => e.Value > now - Options.RevocationRefreshInterval && !current.Ids.Contains(e.Key)).ToDictionary();
                }
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException && !ct.IsCancellationRequested)
            {
                // The request itself will most likely need the database too and fail on its own; keep what we know.
                log.LogWarning("Could not refresh revoked sessions: {Error}", ex.Message);
                current = current with { NextRefreshAt = now + RetryAfterFailure };
            }

            return current;
        }
        finally
        {
            refreshing.Release();
        }
    }

    public void Dispose() => refreshing.Dispose();

    private sealed record Snapshot(FrozenSet<Guid> Ids, DateTimeOffset NextRefreshAt);
}
