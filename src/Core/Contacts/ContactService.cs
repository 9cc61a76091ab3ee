using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Contacts;

/// <summary>My address book: add (idempotent), alias, remove, and a searchable, keyset-paginated list.</summary>
public sealed class ContactService(DistaHilarDbContext db, TimeProvider time)
{
    /// <summary>Adds a contact; adding one again is not an error (Created is false then) and updates a given alias.</summary>
    public async Task<Result<(ContactView Contact, bool Created)>> AddAsync(Caller caller, AddContactRequest request, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        var userId = request.UserId!.Value;
        if (userId == caller.UserId)
        {
            return Problem.Validation("userId", "You cannot add yourself.");
        }

        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId && u.DeletedAt == null, ct);
        if (user is null)
        {
            return Problem.NotFound("The user");
        }

        var now = time.GetUtcNow();
        var alias = UserRules.Clean(request.Alias);
        // One statement, so two concurrent adds of the same person cannot fail each other.
        var inserted = await db.Database.ExecuteSqlAsync(
            $"INSERT INTO contacts (owner_id, contact_id, alias, created_at) VALUES ({caller.UserId}, {userId}, {alias}, {now}) ON CONFLICT DO NOTHING",
            ct);
        if (inserted == 0 && alias is not null)
        {
            await db.Contacts.Where(c => c.OwnerId == caller.UserId && c.ContactId == userId)
                .ExecuteUpdateAsync(c => c.SetProperty(x => x.Alias, alias), ct);
        }

        var contact = await db.Contacts.AsNoTracking().FirstAsync(c => c.OwnerId == caller.UserId && c.ContactId == userId, ct);
        return (await ViewAsync(caller, contact, user, ct), inserted > 0);
    }

    public async Task<Result<ContactView>> GetAsync(Caller caller, Guid userId, CancellationToken ct)
    {
        var contact = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.OwnerId == caller.UserId && c.ContactId == userId, ct);
        if (contact is null)
        {
            return Problem.NotFound("The contact");
        }

        var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == userId, ct);
        return await ViewAsync(caller, contact, user, ct);
    }

    public async Task<Result<ContactView>> UpdateAsync(Caller caller, Guid userId, UpdateContactRequest request, CancellationToken ct)
    {
        if (request.Validate() is { } invalid)
        {
            return invalid;
        }

        var contact = await db.Contacts.FirstOrDefaultAsync(c => c.OwnerId == caller.UserId && c.ContactId == userId, ct);
        if (contact is null)
        {
            return Problem.NotFound("The contact");
        }

        contact.Alias = UserRules.Clean(request.Alias);
        await db.SaveChangesAsync(ct);
        var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == userId, ct);
        return await ViewAsync(caller, contact, user, ct);
    }

    public async Task<Result<Done>> RemoveAsync(Caller caller, Guid userId, CancellationToken ct)
    {
        var removed = await db.Contacts.Where(c => c.OwnerId == caller.UserId && c.ContactId == userId).ExecuteDeleteAsync(ct);
        return removed == 0 ? Problem.NotFound("The contact") : Done.Value;
    }

    /// <summary>Newest first; <paramref name="query"/> matches alias, username or name. Two queries per page.</summary>
    public async Task<Result<Page<ContactView>>> ListAsync(Caller caller, string? query, PageRequest page, CancellationToken ct)
    {
        var q = query?.Trim().ToLowerInvariant();
        if (q is { Length: > 64 })
        {
            return Problem.Validation("q", "At most 64 characters.");
        }

        ContactCursor? after = null;
        if (page.Cursor is not null)
        {
            var cursor = Cursor.Decode<ContactCursor>(page.Cursor);
            if (!cursor.IsSuccess)
            {
                return cursor.Problem;
            }

            after = cursor.Value;
        }

        var rows = db.Contacts.AsNoTracking()
            .Where(c => c.OwnerId == caller.UserId)
            .Join(db.Users.AsNoTracking(), c => c.ContactId, u => u.Id, (c, u) => new { Contact = c, User = u });
        if (!string.IsNullOrEmpty(q))
        {
            var pattern = SqlLike.Contains(q);
            rows = rows.Where(r =>
                EF.Functions.Like((r.Contact.Alias ?? "").ToLower(), pattern, "\\")
                || EF.Functions.Like(r.User.Username ?? "", pattern, "\\")
                || EF.Functions.Like((r.User.Name + " " + (r.User.Surname ?? "")).ToLower(), pattern, "\\"));
        }

        if (after is not null)
        {
            rows = rows.Where(r => r.Contact.CreatedAt < after.AddedAt || (r.Contact.CreatedAt == after.AddedAt && r.Contact.ContactId.CompareTo(after.UserId) < 0));
        }

        var found = await rows.OrderByDescending(r => r.Contact.CreatedAt).ThenByDescending(r => r.Contact.ContactId).Take(page.Limit + 1).ToListAsync(ct);
        var shown = found.Take(page.Limit).ToList();
        var profiles = await db.ProfilesForAsync(caller.UserId, shown.Select(r => r.User).ToList(), time.GetUtcNow(), ct);
        var items = shown.Select((r, i) => new ContactView(profiles[i], r.Contact.Alias, r.Contact.CreatedAt)).ToList();
        var next = found.Count > page.Limit ? Cursor.Encode(new ContactCursor(shown[^1].Contact.CreatedAt, shown[^1].Contact.ContactId)) : null;
        return new Page<ContactView>(items, next);
    }

    private async Task<ContactView> ViewAsync(Caller caller, Contact contact, User user, CancellationToken ct) =>
        new((await db.ProfilesForAsync(caller.UserId, [user], time.GetUtcNow(), ct))[0], contact.Alias, contact.CreatedAt);

    private sealed record ContactCursor(DateTimeOffset AddedAt, Guid UserId);
}
