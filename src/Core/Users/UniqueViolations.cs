using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DistaHilar.Core.Users;

/// <summary>Maps a unique-index violation on users to the field it concerns (a race the pre-check lost).</summary>
internal static class UniqueViolations
{
    public static string? Field(DbUpdateException ex) =>
        ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg
            ? pg.ConstraintName switch
            {
                "ix_users_username" => "username",
                "ux_users_email_lower" => "email",
                "ix_users_phone" => "phone",
                _ => null,
            }
            : null;

    public static string Message(string field) => field switch
    {
        "username" => "This username is taken.",
        "email" => "An account with this email already exists.",
        _ => "An account with this phone number already exists.",
    };
}
