using DistaHilar.Core.Common;
using DistaHilar.Core.Pipeline;
using Npgsql;

namespace DistaHilar.Core.Users;

/// <summary>Maps a unique-index violation on users to the field it concerns (a race the pre-check lost).</summary>
internal static class UniqueViolations
{
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

    public static string Message(string field) => field switch
    {
        "username" => "This username is taken.",
        "email" => "An account with this email already exists.",
        _ => "An account with this phone number already exists.",
    };
}
