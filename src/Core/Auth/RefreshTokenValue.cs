using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace DistaHilar.Core.Auth;

/// <summary>Opaque 256-bit refresh tokens; only their SHA-256 is stored, so a database leak reveals no usable token.</summary>
public static class RefreshTokenValue
{
    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The stored form. A fast hash is right here: the token has 256 bits of entropy, unlike a password.</summary>
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>A well-formed token is 43 base64url characters; anything else is rejected before any lookup.</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
