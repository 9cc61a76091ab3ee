using DistaHilar.Core.Common;
using DistaHilar.Core.Data;
using DistaHilar.Core.Pipeline;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DistaHilar.Core.Users;

// Email comparisons below are LINQ translated to lower(email) = @x, which the unique index on lower(email) serves;
// string.Equals(..., OrdinalIgnoreCase) would not translate to that.
#pragma warning disable CA1862

/// <summary>
/// Usernames, emails and phones belong to one account each: a check before a write (a 409 naming the first taken
/// field), and the unique-index violation of a write that lost a race after it, mapped to the same 409.
/// </summary>
public sealed class UserUniqueness(DistaHilarDbContext db)
{
    /// <summary>Null when username, email and phone are free; else a 409 naming the first taken field.</summary>
    public async Task<Problem?> ProblemAsync(string? username, string? email, string? phone, Guid? exceptUserId, CancellationToken ct)
    {
        var lowerEmail = email?.ToLowerInvariant();
        var taken = await db.Users
            .Where(u => u.Id != exceptUserId && ((username != null && u.Username == username) || (lowerEmail != null && u.Email != null && u.Email.ToLower() == lowerEmail) || (phone != null && u.Phone == phone)))
            .Select(u => new { u.Username, u.Email, u.Phone })
            .ToListAsync(ct); // at most three rows: each value is unique
        var field = taken.Any(t => username != null && t.Username == username) ? "username"
            : taken.Any(t => lowerEmail != null && string.Equals(t.Email, lowerEmail, StringComparison.OrdinalIgnoreCase)) ? "email"
            : taken.Count > 0 ? "phone" : null;
        return field is null ? null : Problem.Conflict(field, Message(field));
    }

    /// <summary>Lost a race with a concurrent change that took the same username, email or phone: 409 naming it.</summary>
    public static OnConflict<T> Taken<T>() => new(
        e => Field(e) is not null,
        (e, _) =>
        {
            var field = Field(e)!;
            return Task.FromResult<Result<T>>(Problem.Conflict(field, Message(field)));
        });

    private static string? Field(PostgresException ex) =>
        ex.SqlState == PostgresErrorCodes.UniqueViolation
            ? ex.ConstraintName switch
            {
                "ix_users_username" => "username",
                "ux_users_email_lower" => "email",
                "ix_users_phone" => "phone",
                _ => null,
            }
            : null;

    private static string Message(string field) => field switch
    {
        "username" => "This username is taken.",
        "email" => "An account with this email already exists.",
        _ => "An account with this phone number already exists.",
    };
}
