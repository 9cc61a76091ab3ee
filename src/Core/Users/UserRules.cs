using System.Text.RegularExpressions;
using DistaHilar.Core.Common;

namespace DistaHilar.Core.Users;

/// <summary>What a username, email, phone, name or bio may be; used by registration and profile edits alike.</summary>
public static partial class UserRules
{
    public const int PasswordMinLength = 8;
    public const int PasswordMaxLength = 128;

    /// <summary>Usernames are case-insensitive: input is trimmed and lower-cased before the rule is checked.</summary>
    public static string? NormalizeUsername(string? username) => username?.Trim().ToLowerInvariant();

    public static void Username(Validator v, string field, string? normalized) =>
        v.Check(normalized is not null && UsernamePattern().IsMatch(normalized), field, "3 to 32 characters: a-z, 0-9 and _.");

    public static void Email(Validator v, string field, string? email) =>
        v.Check(email is { Length: <= 254 } && EmailPattern().IsMatch(email), field, "A valid email address is required.");

    public static void Password(Validator v, string field, string? password) =>
        v.Check(password is { Length: >= PasswordMinLength and <= PasswordMaxLength }, field, $"{PasswordMinLength} to {PasswordMaxLength} characters.");

    public static void Name(Validator v, string field, string? name, bool required) =>
        v.Check(name is null ? !required : name.Length is >= 1 and <= 64 && !HasControl(name), field, required ? "1 to 64 characters, required." : "At most 64 characters.");

    public static void Phone(Validator v, string field, string? phone) =>
        v.Check(phone is null || PhonePattern().IsMatch(phone), field, "An international number: + and 7 to 15 digits.");

    public static void Bio(Validator v, string field, string? bio) =>
        v.Check(bio is null || (bio.Length <= 256 && !HasControl(bio.Replace("\n", "", StringComparison.Ordinal))), field, "At most 256 characters.");

    /// <summary>Trims and turns blank into null, so " " never becomes a surname.</summary>
    public static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static bool HasControl(string text) => text.Any(char.IsControl);

    [GeneratedRegex("^[a-z0-9_]{3,32}$")]
    private static partial Regex UsernamePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex PhonePattern();
}
