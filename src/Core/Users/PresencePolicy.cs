namespace DistaHilar.Core.Users;

/// <summary>
/// Who may see a user's last-seen time: everybody, only the people in the user's own contacts, or nobody
/// (the user always sees their own). Others get a coarse status without a timestamp.
/// </summary>
public static class PresencePolicy
{
    private static readonly TimeSpan Recent = TimeSpan.FromDays(3);

    /// <param name="viewerIsInTheirContacts">Whether the user has the viewer in their contacts.</param>
    /// <param name="online">Whether the user has a live realtime connection.</param>
    public static Presence For(User user, Guid viewerId, bool viewerIsInTheirContacts, bool online, DateTimeOffset now)
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
            return new Presence(online ? Presence.Online : Presence.Offline, user.LastSeenAt);
        }

        // Hidden: an online user shows as "recently", like any recent one, so hiding is not defeated by polling.
        return new Presence(online || (user.LastSeenAt is { } seen && now - seen < Recent) ? Presence.Recently : Presence.LongAgo, null);
    }

    public static PublicProfile Profile(User user, Guid viewerId, bool viewerIsInTheirContacts, bool online, DateTimeOffset now) =>
        user.DeletedAt is not null
            ? new PublicProfile(user.Id, null, User.DeletedName, null, null, null, new Presence(Presence.Deleted, null))
            : new PublicProfile(user.Id, user.Username, user.Name, user.Surname, user.Bio, user.AvatarUrl, For(user, viewerId, viewerIsInTheirContacts, online, now));
}
