namespace DistaHilar.Core.Data;

/// <summary>An account. A deleted account keeps its row (messages stay attributed to it) with personal data removed.</summary>
public sealed class User
{
    /// <summary>The settings a new account starts with (<c>UserSettings</c> names them).</summary>
    public const string DefaultLanguage = "en";
    public const string Everybody = "everybody";

    public const string DeletedName = "Deleted account";

    public Guid Id { get; init; }

    /// <summary>Lower-case <c>[a-z0-9_]{3,32}</c>; null once the account is deleted, which frees the name.</summary>
    public string? Username { get; set; }

    public string? Email { get; set; }

    public string? Phone { get; set; }

    /// <summary>Argon2id PHC string; null for a deleted account (no login possible).</summary>
    public string? PasswordHash { get; set; }

    public string Name { get; set; } = "";

    public string? Surname { get; set; }

    public string? Bio { get; set; }

    public string? AvatarUrl { get; set; }

    /// <summary>The uploaded image behind <see cref="AvatarUrl"/> (set through <c>PUT /api/users/me/avatar</c>).</summary>
    public Guid? AvatarMediaId { get; set; }

    public bool NotificationsEnabled { get; set; } = true;

    public string Language { get; set; } = DefaultLanguage;

    public string LastSeenVisibility { get; set; } = Everybody;

    public DateTimeOffset? LastSeenAt { get; set; }

    /// <summary>Until when the SignalR Service keeps this user in all their chats' groups (see <c>GroupRenewal</c>).</summary>
    public DateTimeOffset? RealtimeGroupsUntil { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? DeletedAt { get; set; }
}
