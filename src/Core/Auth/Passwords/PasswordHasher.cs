using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Auth.Passwords;

/// <summary>
/// Argon2id password hashes, stored as PHC strings that carry their own costs, so the costs can be raised later
/// without breaking any account. A singleton: it holds nothing but the costs read at start.
/// </summary>
public sealed class PasswordHasher
{
    public const int SaltBytes = 16;
    public const int HashBytes = 32;

    private readonly Argon2Parameters _current;

    // Verified against when there is no account: unknown login and wrong password then cost the same work and time.
    private readonly string _dummyHash;

    public PasswordHasher(IOptions<PasswordOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Checked here too, not only at start-up, so no path (a test, a tool) can hash below the minimum.
        var failures = PasswordOptionsValidator.Failures(options.Value).ToList();
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(PasswordOptions.Section, typeof(PasswordOptions), failures);
        }

        _current = options.Value.ToParameters();
        _dummyHash = PhcString.Format(_current, RandomNumberGenerator.GetBytes(SaltBytes), RandomNumberGenerator.GetBytes(HashBytes));
    }

    public string Hash(string password)
    {
        // Argon2 itself allows an empty password (the library does not); no account should have one anyway.
        ArgumentException.ThrowIfNullOrEmpty(password);

        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var tag = Derive(password, salt, _current, HashBytes);
        try
        {
            return PhcString.Format(_current, salt, tag);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(tag);
        }
    }

    /// <param name="password">What the user typed.</param>
    /// <param name="encodedHash">The stored hash, or null when no account matched the login.</param>
    public PasswordVerification Verify(string password, string? encodedHash)
    {
        ArgumentNullException.ThrowIfNull(password);

        // Malformed is answered at once: only a broken or tampered row is, which timing cannot reveal anything about.
        if (!PhcString.TryParse(encodedHash ?? _dummyHash, out var stored))
        {
            return PasswordVerification.Failed;
        }

        // No account, or an empty password: do the same work on a stand-in and fail whatever it gives.
        var genuine = encodedHash is not null && password.Length > 0;
        var actual = Derive(genuine ? password : "-", stored.Salt, stored.Parameters, stored.Tag.Length);
        try
        {
            var match = CryptographicOperations.FixedTimeEquals(actual, stored.Tag) && genuine;
            return !match ? PasswordVerification.Failed
                : IsCurrent(stored, _current) ? PasswordVerification.Succeeded
                : PasswordVerification.SucceededRehashNeeded;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(actual);
            CryptographicOperations.ZeroMemory(stored.Tag);
        }
    }

    /// <summary>Whether <paramref name="encodedHash"/> is well formed and made with exactly these costs and sizes.</summary>
    public static bool UsesParameters(string? encodedHash, PasswordOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return PhcString.TryParse(encodedHash, out var stored) && IsCurrent(stored, options.ToParameters());
    }

    private static bool IsCurrent(Argon2idHash stored, Argon2Parameters current) =>
        stored.Parameters == current && stored.Salt.Length == SaltBytes && stored.Tag.Length == HashBytes;

    private static byte[] Derive(string password, byte[] salt, Argon2Parameters parameters, int length) =>
        Argon2idDerivation.Derive(password, salt, parameters, length);
}
