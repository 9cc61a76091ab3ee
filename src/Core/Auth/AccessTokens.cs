using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using DistaHilar.Core.Common;
using Microsoft.IdentityModel.Tokens;

namespace DistaHilar.Core.Auth;

/// <summary>An access token and when it stops working.</summary>
public sealed record AccessToken(string Token, DateTimeOffset ExpiresAt);

/// <summary>A valid access token: who presented it, and when it stops working (what is negotiated with it ends no later).</summary>
public sealed record ValidatedAccessToken(Caller Caller, DateTimeOffset ExpiresAt);

/// <summary>
/// Issues and validates JWT access tokens: HS256 only (the algorithm is pinned, so <c>alg: none</c> or a swapped
/// algorithm fails), issuer, audience and lifetime checked, and a <c>kid</c> per key so keys rotate without logging
/// everyone out. Validation never touches the database.
/// </summary>
public sealed class AccessTokens
{
    /// <summary>The session (device) a token belongs to; the SignalR client token carries it under the same name.</summary>
    public const string SessionClaim = "sid";
    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };
    private readonly AuthOptions options;
    private readonly TimeProvider time;
    private readonly SigningCredentials signing;
    private readonly TokenValidationParameters validation;

    public AccessTokens(IOptions<AuthOptions> options, TimeProvider time)
    {
        this.options = options.Value;
        this.time = time;
        var keys = this.options.SigningKeys.Select(k => new SymmetricSecurityKey(k.KeyBytes()) { KeyId = k.Id }).ToList();
        signing = new SigningCredentials(keys.Single(k => k.KeyId == this.options.ActiveSigningKeyId), SecurityAlgorithms.HmacSha256);
        validation = new TokenValidationParameters
        {
            ValidIssuer = this.options.Issuer,
            ValidAudience = this.options.Audience,
            IssuerSigningKeys = keys,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            LifetimeValidator = (notBefore, expires, _, _) =>
                expires is { } e && e.ToUniversalTime() > time.GetUtcNow().UtcDateTime.AddSeconds(-30)
                && (notBefore is null || notBefore.Value.ToUniversalTime() <= time.GetUtcNow().UtcDateTime.AddSeconds(30)),
        };
    }

    public AccessToken Issue(Guid userId, Guid sessionId)
    {
        var now = time.GetUtcNow();
        var expires = now + options.AccessTokenLifetime;
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = signing,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = userId.ToString(),
                [SessionClaim] = sessionId.ToString(),
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            },
        });
        return new AccessToken(token, expires);
    }

    /// <summary>
    /// The caller, or null for a missing, malformed, forged, foreign or expired token. Whether its session was ended
    /// since is for <see cref="RevokedSessions"/> to say.
    /// </summary>
    public async Task<ValidatedAccessToken?> ValidateAsync(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 4096)
        {
            return null;
        }

        var result = await handler.ValidateTokenAsync(token, validation);
        if (!result.IsValid
            || !Guid.TryParse(result.ClaimsIdentity.FindFirst(JwtRegisteredClaimNames.Sub)?.Value, out var user)
            || !Guid.TryParse(result.ClaimsIdentity.FindFirst(SessionClaim)?.Value, out var session))
        {
            return null;
        }

        return new ValidatedAccessToken(new Caller(user, session), new DateTimeOffset(result.SecurityToken.ValidTo, TimeSpan.Zero));
    }
}
