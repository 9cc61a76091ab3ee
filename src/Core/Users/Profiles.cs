using DistaHilar.Core.Data;

namespace DistaHilar.Core.Users;

/// <summary>The owner's own view of the account (<c>GET /api/users/me</c>): the only place email and phone appear.</summary>
public sealed record MyProfile(
    Guid Id,
    string? Username,
    string? Email,
    string? Phone,
    string Name,
    string? Surname,
    string? Bio,
    string? AvatarUrl,
    DateTimeOffset CreatedAt,
    UserSettings Settings)
{
    internal static MyProfile Of(User user) => new(
        user.Id, user.Username, user.Email, user.Phone, user.Name, user.Surname, user.Bio, user.AvatarUrl, user.CreatedAt, UserSettings.Of(user));
}

/// <summary>Anyone's view of a user: never email or phone; presence only as the user's privacy setting allows.</summary>
public sealed record PublicProfile(Guid Id, string? Username, string Name, string? Surname, string? Bio, string? AvatarUrl, Presence Presence);

/// <summary>
/// Last seen, as far as the viewer may know it. Hidden last-seen times still show as "recently" or "long_ago"
/// (as Telegram does), so a hidden user is not indistinguishable from an abandoned account.
/// </summary>
public sealed record Presence(string Status, DateTimeOffset? LastSeenAt)
{
    public const string Online = "online";
    public const string Offline = "offline";
    public const string Recently = "recently";
    public const string LongAgo = "long_ago";
    public const string Deleted = "deleted";
}
