using System.Collections.Concurrent;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DistaHilar.Core.Realtime;

/// <summary>
/// Tokens for the SignalR Service. Behind an interface so Entra ID (a managed identity, with <c>:generateToken</c>
/// for client tokens) can replace access keys without touching the callers.
/// </summary>
public interface IServiceTokens
{
    /// <summary>A bearer token for one REST URL (the audience is the URL without its query).</summary>
    ValueTask<string> ForRestAsync(Uri url, CancellationToken ct);

    /// <summary>
    /// A client access token for <paramref name="userId"/> on <paramref name="clientUrl"/> (the negotiate answer),
    /// with extra <paramref name="claims"/> the service forwards upstream (<c>X-ASRS-User-Claims</c>).
    /// </summary>
    ValueTask<string> ForClientAsync(Uri clientUrl, string userId, IReadOnlyDictionary<string, string> claims, DateTimeOffset expiresAt, CancellationToken ct);
}

/// <summary>HS256 tokens signed with the UTF-8 bytes of the AccessKey string; REST tokens are cached per URL.</summary>
public sealed class AccessKeyTokens(string accessKey, TimeProvider time) : IServiceTokens
{
    private static readonly TimeSpan RestLifetime = TimeSpan.FromMinutes(60);
    private readonly JsonWebTokenHandler handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningCredentials signing = new(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(accessKey)), SecurityAlgorithms.HmacSha256);
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset RenewAt)> rest = new(StringComparer.Ordinal);

    public ValueTask<string> ForRestAsync(Uri url, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        var audience = url.GetLeftPart(UriPartial.Path);
        var now = time.GetUtcNow();
        if (rest.TryGetValue(audience, out var cached) && cached.RenewAt > now)
        {
            return ValueTask.FromResult(cached.Token);
        }

        var token = Create(audience, null, now + RestLifetime);
        // Renewed well before it runs out, so a request never leaves with a token about to expire.
        rest[audience] = (token, now + RestLifetime / 2);
        return ValueTask.FromResult(token);
    }

    public ValueTask<string> ForClientAsync(Uri clientUrl, string userId, IReadOnlyDictionary<string, string> claims, DateTimeOffset expiresAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(clientUrl);
        ArgumentNullException.ThrowIfNull(claims);
        return ValueTask.FromResult(Create(clientUrl.ToString(), userId, expiresAt, claims));
    }

    private string Create(string audience, string? userId, DateTimeOffset expires, IReadOnlyDictionary<string, string>? extra = null)
    {
        var claims = extra?.ToDictionary(c => c.Key, c => (object)c.Value) ?? [];
        if (userId is not null)
        {
            // The service takes the user id from nameid (sub is accepted too).
            claims["nameid"] = userId;
        }

        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Audience = audience,
            Expires = expires.UtcDateTime,
            SigningCredentials = signing,
            Claims = claims,
        });
    }
}
