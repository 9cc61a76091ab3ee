using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DistaHilar.Core.Common;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Calls;

/// <summary>
/// STUN and TURN servers for WebRTC, with TURN credentials in the TURN REST API scheme that coturn accepts with
/// <c>use-auth-secret</c>: username <c>expiry:userId</c> (expiry in Unix seconds), credential
/// base64(HMAC-SHA1(secret, username)). Nothing is stored; the secret never leaves the app.
/// </summary>
public sealed class IceServerCredentials(IOptions<CallOptions> options, TimeProvider time)
{
    public IceServers For(Caller caller)
    {
        var settings = options.Value;
        var servers = new List<IceServer>();
        if (Split(settings.StunUrls) is { Count: > 0 } stun)
        {
            servers.Add(new IceServer(stun));
        }

        DateTimeOffset? expires = null;
        if (Split(settings.TurnUrls) is { Count: > 0 } turn && settings.TurnSecret.Length > 0)
        {
            expires = time.GetUtcNow() + settings.TurnCredentialLifetime;
            var username = Username(expires.Value, caller.UserId);
            servers.Add(new IceServer(turn, username, Credential(settings.TurnSecret, username)));
        }

        return new IceServers(servers, expires);
    }

    public static string Username(DateTimeOffset expires, Guid userId) =>
        expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + ":" + userId.ToString("N");

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "The TURN REST API scheme (coturn use-auth-secret) is defined with HMAC-SHA1.")]
    public static string Credential(string secret, string username) =>
        Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(username)));

    private static List<string> Split(string urls) =>
        urls.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
