using DistaHilar.Core.Data;

namespace DistaHilar.Core.Users;

/// <summary>
/// Who may see a user's last-seen time: everybody, only the people in the user's own contacts, or nobody
/// (the user always sees their own). Others get a coarse status without a timestamp.
/// </summary>
public static class PresencePolicy
{
    private static readonly TimeSpan Recent = TimeSpan.FromDays(3);

    /// <param name="viewerIsInTheirContacts">Whether the user has the viewer in their contacts.</param>
    /// <param name="live">Whether the user has a live realtime connection, and their last seen, read together.</param>
    public static Presence For(User user, Guid viewerId, bool viewerIsInTheirContacts, LiveState live, DateTimeOffset now)
    {
        if (user.DeletedAt is not null)
        {
            return new Presence(Presence.Deleted, null);
        }

        var visible = user.Id == viewerId || user.LastSeenVisibility switch
        {
            UserSettings.Everybody => true,
            UserSettings.Contacts => viewerIsInTheirContacts,
            _ => false,
        };
        if (visible)
        {
            return new Presence(live.Online ? Presence.Online : Presence.Offline, live.LastSeenAt);
        }

        // Hidden: an online user shows as "recently", like any recent one, so hiding is not defeated by polling.
        return new Presence(live.Online || (live.LastSeenAt is { } seen && now - seen < Recent) ? Presence.Recently : Presence.LongAgo, null);
    }

    public static PublicProfile Profile(User user, Guid viewerId, bool viewerIsInTheirContacts, LiveState live, DateTimeOffset now) =>
        user.DeletedAt is not null
            ? new PublicProfile(user.Id, null, User.DeletedName, null, null, null, new Presence(Presence.Deleted, null))
            : new PublicProfile(user.Id, user.Username, user.Name, user.Surname, user.Bio, user.AvatarUrl, For(user, viewerId, viewerIsInTheirContacts, live, now));
}

/// <summary>What changes with connections: whether any lives, and when the last one closed.</summary>
public readonly record struct LiveState(bool Online, DateTimeOffset? LastSeenAt);
