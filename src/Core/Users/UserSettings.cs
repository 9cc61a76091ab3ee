using DistaHilar.Core.Data;

namespace DistaHilar.Core.Users;

/// <summary>The body of <c>GET/PATCH /api/users/me/settings</c>.</summary>
public sealed record UserSettings(bool Notifications, string Language, string LastSeenVisibility)
{
    public const string DefaultLanguage = User.DefaultLanguage;
    public const string Everybody = User.Everybody;
    public const string Contacts = "contacts";
    public const string Nobody = "nobody";

    public static readonly IReadOnlySet<string> Languages = new HashSet<string>(StringComparer.Ordinal) { "en", "ru", "che" };

    public static readonly IReadOnlySet<string> Visibilities = new HashSet<string>(StringComparer.Ordinal) { Everybody, Contacts, Nobody };

    internal static UserSettings Of(User user) => new(user.NotificationsEnabled, user.Language, user.LastSeenVisibility);
}
