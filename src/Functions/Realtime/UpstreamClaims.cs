using DistaHilar.Core.Auth;

namespace DistaHilar.Functions.Realtime;

/// <summary>
/// The client token's claims as the service forwards them upstream in <c>X-ASRS-User-Claims</c>:
/// <c>type: value, type: value</c>. Only the session id is read (a GUID, so no value of interest holds a comma).
/// </summary>
public static class UpstreamClaims
{
    public static Guid? SessionId(string? header)
    {
        foreach (var pair in (header ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && pair.AsSpan(0, colon).Trim().Equals(AccessTokens.SessionClaim, StringComparison.Ordinal)
                && Guid.TryParse(pair.AsSpan(colon + 1).Trim(), out var session))
            {
                return session;
            }
        }

        return null;
    }
}
