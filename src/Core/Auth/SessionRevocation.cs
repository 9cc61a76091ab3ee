using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Auth;

/// <summary>Ends sessions in one UPDATE; only live ones are touched, so the first revocation's reason is kept.</summary>
internal static class SessionRevocation
{
    public static Task<int> RevokeAsync(this IQueryable<Session> sessions, DateTimeOffset now, string reason, CancellationToken ct) =>
        sessions
            .Where(s => s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, reason), ct);
}
