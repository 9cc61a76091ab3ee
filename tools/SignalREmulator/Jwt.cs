using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace DistaHilar.SignalREmulator;

/// <summary>The validated payload of a token: its audiences and its claims as (type, value) pairs.</summary>
internal sealed record TokenPayload(IReadOnlyList<string> Audiences, IReadOnlyList<KeyValuePair<string, string>> Claims)
{
    public string? Find(params string[] types) =>
        types.Select(t => Claims.FirstOrDefault(c => c.Key == t).Value).FirstOrDefault(v => !string.IsNullOrEmpty(v));
}

/// <summary>
/// HS256 tokens as the service checks them: the HMAC key is the UTF-8 bytes of the access key string.
/// Hand-rolled because the rules are few and a JWT library's defaults (issuer, lifetime skew, key size) differ.
/// </summary>
internal static class Jwt
{
    private static readonly HashSet<string> Registered = ["aud", "exp", "iat", "nbf"];

    public static string Create(string accessKey, IEnumerable<KeyValuePair<string, object>> claims)
    {
        var header = Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8);
        var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims.ToDictionary(c => c.Key, c => c.Value)));
        var signed = header + "." + payload;
        return signed + "." + Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(accessKey), Encoding.ASCII.GetBytes(signed)));
    }

    /// <summary>Checks signature, algorithm and lifetime; null when any is wrong. The caller checks the audience.</summary>
    public static TokenPayload? Validate(string token, string accessKey, DateTimeOffset now)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || token.Length > 8 * 1024)
        {
            return null;
        }

        try
        {
            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
            if (!header.RootElement.TryGetProperty("alg", out var alg) || alg.GetString() != "HS256")
            {
                return null;
            }

            var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(accessKey), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
            if (!CryptographicOperations.FixedTimeEquals(expected, Base64Url.DecodeFromChars(parts[2])))
            {
                return null;
            }

            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            var root = payload.RootElement;
            var seconds = now.ToUnixTimeSeconds();
            if (!root.TryGetProperty("exp", out var exp) || !exp.TryGetInt64(out var expiry) || expiry <= seconds)
            {
                return null;
            }

            if (root.TryGetProperty("nbf", out var nbf) && nbf.TryGetInt64(out var notBefore) && notBefore > seconds)
            {
                return null;
            }

            var audiences = !root.TryGetProperty("aud", out var aud) ? []
                : aud.ValueKind == JsonValueKind.Array ? aud.EnumerateArray().Select(a => a.GetString() ?? "").ToList()
                : [aud.GetString() ?? ""];
            var claims = new List<KeyValuePair<string, string>>();
            foreach (var property in root.EnumerateObject().Where(p => !Registered.Contains(p.Name)))
            {
                var values = property.Value.ValueKind == JsonValueKind.Array ? property.Value.EnumerateArray() : Enumerable.Repeat(property.Value, 1);
                claims.AddRange(values.Select(v => KeyValuePair.Create(property.Name, v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText())));
            }

            return new TokenPayload(audiences, claims);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }
}
