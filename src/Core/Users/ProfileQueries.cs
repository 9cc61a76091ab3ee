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
        var online = (await db.UserConnections.Where(c => ids.Contains(c.UserId)).Select(c => c.UserId).Distinct().ToListAsync(ct)).ToHashSet();
        return users.Select(u => PresencePolicy.Profile(u, viewerId, viewerInContactsOf.Contains(u.Id), online.Contains(u.Id), now)).ToList();
    }
}
