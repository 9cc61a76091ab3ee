using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace DistaHilar.Tests.Accounts;

/// <summary>
/// Learns every secret the account tests create (passwords, refresh tokens, emails, phones) and checks every JSON
/// response of those tests: no password or password hash, no refresh token or its stored hash that was issued
/// before the response, and no other user's email or phone. A leak fails the request that leaked it.
/// </summary>
public sealed class PrivacyRecorder
{
    private readonly ConcurrentDictionary<string, byte> passwords = new();
    private readonly ConcurrentDictionary<string, byte> refreshTokens = new();
    private readonly ConcurrentDictionary<string, Guid> contactDetails = new();
    private int checkedResponses;

    public static PrivacyRecorder Current { get; } = new();

    public PrivacyRecorder()
    {
    }

    public int CheckedResponses => checkedResponses;

    public void Learn(Guid userId, string password, string email, string? phone, string refreshToken)
    {
        passwords[password] = 0;
        refreshTokens[refreshToken] = 0;
        contactDetails[email] = userId;
        if (phone is not null)
        {
            contactDetails[phone] = userId;
        }
    }

    public void LearnRefreshToken(string refreshToken) => refreshTokens[refreshToken] = 0;

    /// <summary>Throws if <paramref name="body"/>, answered to <paramref name="caller"/>, reveals a secret.</summary>
    public void Check(string body, Guid? caller)
    {
        Interlocked.Increment(ref checkedResponses);
        Leak(body.Contains("$argon2", StringComparison.OrdinalIgnoreCase), "a password hash");
        Leak(body.Contains("passwordHash", StringComparison.OrdinalIgnoreCase), "a passwordHash field");
        foreach (var password in passwords.Keys)
        {
            Leak(body.Contains(password, StringComparison.Ordinal), "a password");
        }

        foreach (var token in refreshTokens.Keys)
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));
            Leak(body.Contains(token, StringComparison.Ordinal), "a refresh token issued earlier (another session's, or a rotated one)");
            Leak(body.Contains(Convert.ToBase64String(hash), StringComparison.Ordinal) || body.Contains(Convert.ToHexString(hash), StringComparison.OrdinalIgnoreCase), "a refresh token hash");
        }

        foreach (var (detail, owner) in contactDetails)
        {
            Leak(owner != caller && body.Contains(detail, StringComparison.OrdinalIgnoreCase), $"user {owner}'s email or phone to {caller?.ToString() ?? "an anonymous caller"}");
        }
    }

    private static void Leak(bool leaked, string what)
    {
        if (leaked)
        {
            throw new InvalidOperationException($"Privacy: a response revealed {what}.");
        }
    }

    /// <summary>Runs every response of a test client through <see cref="Check"/>.</summary>
    public sealed class Handler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            Current.Check(body, CallerOf(request, body));
            // Hand the test a fresh copy: the original stream has been read.
            var copy = new StringContent(body, Encoding.UTF8);
            copy.Headers.Clear();
            foreach (var header in response.Content.Headers)
            {
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = copy;
            return response;
        }

        /// <summary>The bearer token's subject, or for sign-in answers the user they are about.</summary>
        private static Guid? CallerOf(HttpRequestMessage request, string body)
        {
            if (request.Headers.Authorization?.Parameter is { } jwt && jwt.Split('.') is [_, var payload, _])
            {
                try
                {
                    using var claims = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(payload));
                    return claims.RootElement.TryGetProperty("sub", out var sub) && Guid.TryParse(sub.GetString(), out var id) ? id : null;
                }
                catch (Exception ex) when (ex is FormatException or JsonException)
                {
                    return null;
                }
            }

            try
            {
                using var doc = JsonDocument.Parse(body);
                return doc.RootElement.ValueKind == JsonValueKind.Object
                    && doc.RootElement.TryGetProperty("user", out var user) && user.TryGetProperty("id", out var id) && Guid.TryParse(id.GetString(), out var g) ? g : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
