using Npgsql;

namespace DistaHilar.Core.Pipeline;

/// <summary>
/// What a change does when the database refuses it because a concurrent change won (a unique key taken, a row gone):
/// <see cref="When"/> recognises the refusal, <see cref="Then"/> answers after the pipeline has rolled the change back
/// and forgotten it. Any other error is the pipeline's to roll back and rethrow.
/// </summary>
public sealed record OnConflict<T>(Func<PostgresException, bool> When, Func<PostgresException, CancellationToken, Task<Common.Result<T>>> Then);

/// <summary>The refusals changes recognise.</summary>
public static class Conflicts
{
    /// <summary>A unique key (by default any) is already taken.</summary>
    public static Func<PostgresException, bool> Unique(string? constraint = null) =>
        e => e.SqlState == PostgresErrorCodes.UniqueViolation && (constraint is null || e.ConstraintName == constraint);
}
