using DistaHilar.Core.Common;
using DistaHilar.Core.Users;

namespace DistaHilar.Core.Contacts;

/// <summary><c>POST /api/contacts</c>.</summary>
public sealed record AddContactRequest(Guid? UserId, string? Alias)
{
    public Problem? Validate()
    {
        var v = new Validator().Check(UserId is { } id && id != Guid.Empty, "userId", "A user id is required.");
        UserRules.Name(v, "alias", UserRules.Clean(Alias), required: false);
        return v.ToProblem();
    }
}

/// <summary><c>PATCH /api/contacts/{userId}</c>: a null or blank alias clears it.</summary>
public sealed record UpdateContactRequest(string? Alias)
{
    public Problem? Validate()
    {
        var v = new Validator();
        UserRules.Name(v, "alias", UserRules.Clean(Alias), required: false);
        return v.ToProblem();
    }
}

/// <summary>A row of my contacts: the person (as their privacy allows me to see them) and my alias for them.</summary>
public sealed record ContactView(PublicProfile User, string? Alias, DateTimeOffset AddedAt);
