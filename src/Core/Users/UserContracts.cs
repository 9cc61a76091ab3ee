using System.Text.Json;
using DistaHilar.Core.Common;

namespace DistaHilar.Core.Users;

/// <summary>
/// <c>PATCH /api/users/me</c>: only the fields present change; <c>null</c> clears an optional field. Unknown fields are
/// refused rather than ignored, so a typo (or an attempt to set <c>password</c> here) is not silently lost.
/// </summary>
public sealed class ProfilePatch
{
    private static readonly HashSet<string> Fields = ["username", "email", "phone", "name", "surname", "bio"];

    private ProfilePatch()
    {
    }

    public PatchValue<string> Username { get; private set; }

    public PatchValue<string> Email { get; private set; }

    public PatchValue<string> Phone { get; private set; }

    public PatchValue<string> Name { get; private set; }

    public PatchValue<string> Surname { get; private set; }

    public PatchValue<string> Bio { get; private set; }

    public static Result<ProfilePatch> Parse(IReadOnlyDictionary<string, JsonElement> body)
    {
        var v = new Validator();
        var patch = new ProfilePatch();
        foreach (var (field, value) in body)
        {
            if (!Fields.Contains(field))
            {
                v.Add(field, field == "password" ? "Change the password with PUT /api/users/me/password." : "Unknown field.");
                continue;
            }

            if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                v.Add(field, "Must be a string or null.");
                continue;
            }

            var text = value.ValueKind == JsonValueKind.Null ? null : value.GetString();
            switch (field)
            {
                case "username":
                    patch.Username = new(UserRules.NormalizeUsername(text));
                    UserRules.Username(v, field, patch.Username.Value);
                    break;
                case "email":
                    patch.Email = new(text?.Trim());
                    UserRules.Email(v, field, patch.Email.Value);
                    break;
                case "phone":
                    patch.Phone = new(UserRules.Clean(text));
                    UserRules.Phone(v, field, patch.Phone.Value);
                    break;
                case "name":
                    patch.Name = new(UserRules.Clean(text));
                    UserRules.Name(v, field, patch.Name.Value, required: true);
                    break;
                case "surname":
                    patch.Surname = new(UserRules.Clean(text));
                    UserRules.Name(v, field, patch.Surname.Value, required: false);
                    break;
                case "bio":
                    patch.Bio = new(UserRules.Clean(text));
                    UserRules.Bio(v, field, patch.Bio.Value);
                    break;
            }
        }

        return v.ToProblem() is { } problem ? problem : patch;
    }
}

/// <summary>A PATCH field: absent (leave it) or present with a value, possibly null (clear it).</summary>
public readonly record struct PatchValue<T>(T? Value)
    where T : class
{
    public bool IsSet { get; } = true;
}

/// <summary>
/// <c>PATCH /api/users/me/settings</c>: any subset of the settings; each present one must be valid.
/// </summary>
public sealed record SettingsPatch(bool? Notifications, string? Language, string? LastSeenVisibility)
{
    public Problem? Validate() => new Validator()
        .Check(Language is null || UserSettings.Languages.Contains(Language), "language", "One of: en, ru, che.")
        .Check(LastSeenVisibility is null || UserSettings.Visibilities.Contains(LastSeenVisibility), "lastSeenVisibility", "One of: everybody, contacts, nobody.")
        .ToProblem();
}

/// <summary><c>DELETE /api/users/me</c> asks for the password again: a stolen access token alone cannot delete an account.</summary>
public sealed record DeleteAccountRequest(string? Password)
{
    public Problem? Validate() => new Validator().Check(Password is { Length: > 0 and <= UserRules.PasswordMaxLength }, "password", "Your password is required.").ToProblem();
}
