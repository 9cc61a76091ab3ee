using DistaHilar.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Users;

/// <summary>Turns users into the public profiles a viewer may see, with one contacts query for the whole batch.</summary>
internal static class ProfileQueries
{
    public static async Task<List<PublicProfile>> ProfilesForAsync(this DistaHilarDbContext db, Guid viewerId, IReadOnlyList<User> users, DateTimeOffset now, CancellationToken ct)
    {
        var ids = users.Select(u => u.Id).ToList();
        // Whose contacts the viewer is in: that decides lastSeenVisibility = contacts.
        var viewerInContactsOf = (await db.Contacts.Where(c => c.ContactId == viewerId && ids.Contains(c.OwnerId)).Select(c => c.OwnerId).ToListAsync(ct)).ToHashSet();
        // Online and last seen from one statement (one snapshot): read apart, a disconnect committing in between
        // would show "offline" with the last seen from before it.
        var live = await db.Users.Where(u => ids.Contains(u.Id))
            .Select(u => new { u.Id, u.LastSeenAt, Online = db.UserConnections.Any(c => c.UserId == u.Id) })
            .ToDictionaryAsync(u => u.Id, u => new LiveState(u.Online, u.LastSeenAt), ct);
        return users.Select(u => PresencePolicy.Profile(u, viewerId, viewerInContactsOf.Contains(u.Id), live.GetValueOrDefault(u.Id, new LiveState(false, u.LastSeenAt)), now)).ToList();
    }
}
