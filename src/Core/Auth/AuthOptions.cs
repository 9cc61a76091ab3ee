using System.ComponentModel.DataAnnotations;

namespace DistaHilar.Core.Auth;

/// <summary>App settings <c>Auth__*</c>: token issuing and session lifetimes.</summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    public string Issuer { get; set; } = "distahilar";

    public string Audience { get; set; } = "distahilar-clients";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A session unused for this long ends (its refresh token stops working).</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromDays(14);

    /// <summary>A session ends this long after sign-in, however active.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How stale this instance's list of ended sessions may be: a session ended through another instance stops
    /// working here within this time (its own at once). One small query per interval per instance.
    /// </summary>
    public TimeSpan RevocationRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>HMAC-SHA256 keys; tokens are signed with <see cref="ActiveSigningKeyId"/>, every listed key validates.</summary>
    public List<SigningKey> SigningKeys { get; set; } = [];

    public string ActiveSigningKeyId { get; set; } = "";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SigningKeys.Count == 0)
        {
            yield return new ValidationResult("Auth__SigningKeys__0__Id and Auth__SigningKeys__0__Secret are required.");
        }

        foreach (var key in SigningKeys)
        {
            if (string.IsNullOrWhiteSpace(key.Id))
            {
                yield return new ValidationResult("Every Auth signing key needs an Id (it becomes the token's kid).");
            }

            if (key.KeyBytes() is not { Length: >= 32 })
            {
                yield return new ValidationResult($"Auth signing key '{key.Id}' must be base64 of at least 32 random bytes.");
            }
        }

        if (!SigningKeys.Any(k => k.Id == ActiveSigningKeyId))
        {
            yield return new ValidationResult("Auth__ActiveSigningKeyId must name one of Auth__SigningKeys.");
        }

        if (AccessTokenLifetime <= TimeSpan.Zero || SessionIdleTimeout <= TimeSpan.Zero || SessionLifetime <= TimeSpan.Zero || RevocationRefreshInterval <= TimeSpan.Zero)
        {
            yield return new ValidationResult("Auth lifetimes must be positive.");
        }
    }
}

public sealed class SigningKey
{
    public string Id { get; set; } = "";

    /// <summary>Base64; a secret, so it comes from Key Vault in Azure and never appears in logs.</summary>
    public string Secret { get; set; } = "";

    public byte[]? KeyBytes()
    {
        try
        {
            return Convert.FromBase64String(Secret);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
