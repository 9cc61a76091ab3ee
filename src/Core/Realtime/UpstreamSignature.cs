using System.Security.Cryptography;
using System.Text;

namespace DistaHilar.Core.Realtime;

/// <summary>
/// The service signs every upstream request: <c>X-ASRS-Signature: sha256=&lt;hex HMAC-SHA256(access key, connection id)&gt;</c>,
/// one entry per access key, comma-separated. A request is genuine if any entry matches any key we hold.
/// </summary>
public static class UpstreamSignature
{
    public static string For(string accessKey, string connectionId) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(accessKey), Encoding.UTF8.GetBytes(connectionId)));

    public static bool IsValid(string? header, string? connectionId, IEnumerable<string> accessKeys)
    {
        ArgumentNullException.ThrowIfNull(accessKeys);
        if (string.IsNullOrEmpty(header) || string.IsNullOrEmpty(connectionId) || header.Length > 4096)
        {
            return false;
        }

        var entries = header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var valid = false;
        foreach (var key in accessKeys)
        {
            var expected = Encoding.ASCII.GetBytes(For(key, connectionId));
            foreach (var entry in entries)
            {
                // Case-insensitive hex, compared in constant time: lower-case the entry, then compare bytes.
                valid |= CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(entry.ToLowerInvariant()));
            }
        }

        return valid;
    }
}
