using System.Security.Cryptography;
using System.Text;

namespace DistaHilar.Core.Media;

/// <summary>Which digest Cloudinary expects (an account setting; SHA-1 unless the account was switched to SHA-256).</summary>
public enum CloudinarySignatureAlgorithm
{
    Sha1,
    Sha256,
}

/// <summary>
/// Signatures of Cloudinary Upload API requests, written from its "Generating authentication signatures" page (the SDK
/// is not available here): every parameter of the request except <c>file</c>, <c>cloud_name</c>,
/// <c>resource_type</c> and <c>api_key</c>, with the <c>timestamp</c>, sorted by name, joined as
/// <c>name=value&amp;…</c>, the API secret appended, then a hex SHA digest. Array values are passed comma-joined.
/// Parameters without a value are left out, as the official SDKs do.
/// </summary>
public static class CloudinarySignature
{
    private static readonly HashSet<string> Unsigned = new(StringComparer.Ordinal) { "file", "cloud_name", "resource_type", "api_key" };

    /// <summary>The string that is hashed (without the secret), for logs and tests; it holds no secret.</summary>
    public static string StringToSign(IEnumerable<KeyValuePair<string, string?>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return string.Join('&', parameters
            .Where(p => !Unsigned.Contains(p.Key) && !string.IsNullOrEmpty(p.Value))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Key + "=" + p.Value));
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "Cloudinary's signature protocol: SHA-1 is its default digest; accounts may switch to SHA-256.")]
    public static string Sign(IEnumerable<KeyValuePair<string, string?>> parameters, string apiSecret, CloudinarySignatureAlgorithm algorithm = CloudinarySignatureAlgorithm.Sha1)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiSecret);
        var payload = Encoding.UTF8.GetBytes(StringToSign(parameters) + apiSecret);
        var digest = algorithm == CloudinarySignatureAlgorithm.Sha256 ? SHA256.HashData(payload) : SHA1.HashData(payload);
        return Convert.ToHexStringLower(digest);
    }
}
