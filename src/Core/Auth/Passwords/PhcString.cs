using System.Buffers;
using System.Globalization;

namespace DistaHilar.Core.Auth.Passwords;

/// <summary>
/// The PHC string format for Argon2id, <c>$argon2id$v=19$m=19456,t=2,p=1$salt$tag</c> (salt and tag in base64 without
/// padding), as libargon2 and libsodium write it: the stored hashes stay readable by any other implementation.
/// </summary>
/// <remarks>
/// Reading is strict and never throws: a stored hash comes from the database, and anything we did not write ourselves
/// (another algorithm or version, extra fields, a second spelling of the same bytes, costs too high to try) is refused.
/// </remarks>
internal static class PhcString
{
    private const string Prefix = "$argon2id$v=19$";

    // Argon2 needs a salt of 8+ bytes; a tag under 16 bytes would be guessable online, over 64 is not ours.
    private const int MinimumSaltBytes = 8;
    private const int MaximumSaltBytes = 64;
    private const int MinimumTagBytes = 16;
    private const int MaximumTagBytes = 64;

    private static readonly SearchValues<char> Base64Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");

    public static string Format(Argon2Parameters parameters, byte[] salt, byte[] tag) => string.Create(
        CultureInfo.InvariantCulture,
        $"{Prefix}m={parameters.MemoryKiB},t={parameters.Iterations},p={parameters.Parallelism}${Base64(salt)}${Base64(tag)}");

    public static bool TryParse(string? encoded, out Argon2idHash hash)
    {
        hash = default;
        if (encoded is null || !encoded.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = encoded[Prefix.Length..].Split('$');
        if (parts.Length != 3
            || !TryParseParameters(parts[0], out var parameters)
            || !TryDecode(parts[1], MinimumSaltBytes, MaximumSaltBytes, out var salt)
            || !TryDecode(parts[2], MinimumTagBytes, MaximumTagBytes, out var tag))
        {
            return false;
        }

        hash = new Argon2idHash(parameters, salt, tag);
        return true;
    }

    private static bool TryParseParameters(string text, out Argon2Parameters parameters)
    {
        parameters = default;
        var fields = text.Split(',');
        if (fields.Length != 3
            || !TryParseNumber(fields[0], "m=", out var memory)
            || !TryParseNumber(fields[1], "t=", out var iterations)
            || !TryParseNumber(fields[2], "p=", out var parallelism))
        {
            return false;
        }

        // Argon2's own bounds (t >= 1, p >= 1, m >= 8p) and our ceilings, so a tampered hash cannot make us allocate 4 GiB.
        // The minimums are not applied: hashes made under older, weaker settings must still verify (and get rehashed).
        if (iterations is < 1 or > PasswordOptions.MaximumIterations
            || parallelism is < 1 or > PasswordOptions.MaximumParallelism
            || memory < 8 * parallelism || memory > PasswordOptions.MaximumMemoryKiB)
        {
            return false;
        }

        parameters = new Argon2Parameters(memory, iterations, parallelism);
        return true;
    }

    // PHC decimals: ASCII digits only, no sign, no leading zero.
    private static bool TryParseNumber(string field, string name, out int value)
    {
        value = 0;
        if (!field.StartsWith(name, StringComparison.Ordinal))
        {
            return false;
        }

        var digits = field.AsSpan(name.Length);
        return digits.Length is > 0 and <= 9
            && !digits.ContainsAnyExceptInRange('0', '9')
            && (digits[0] != '0' || digits.Length == 1)
            && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryDecode(string text, int minimumBytes, int maximumBytes, out byte[] bytes)
    {
        bytes = [];
        var length = text.Length * 3 / 4;
        if (text.Length % 4 == 1 || length < minimumBytes || length > maximumBytes || text.AsSpan().ContainsAnyExcept(Base64Alphabet))
        {
            return false;
        }

        var decoded = new byte[length];
        var padded = text + new string('=', (4 - (text.Length % 4)) % 4);
        if (!Convert.TryFromBase64String(padded, decoded, out var written) || written != length)
        {
            return false;
        }

        // The unused low bits of the last character must be zero: one spelling per hash.
        if (!string.Equals(Base64(decoded), text, StringComparison.Ordinal))
        {
            return false;
        }

        bytes = decoded;
        return true;
    }

    private static string Base64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');
}
