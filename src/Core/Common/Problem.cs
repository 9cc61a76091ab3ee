namespace DistaHilar.Core.Common;

/// <summary>Why an operation did not succeed; the function layer maps each kind to one HTTP status.</summary>
public enum ProblemKind
{
    Validation,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    Unprocessable,
    TooLarge,
    UnsupportedMediaType,
    RateLimited,
    Unavailable,
}

/// <summary>A failed outcome: kind, a short human title, optional per-field messages and a retry hint.</summary>
public sealed record Problem(ProblemKind Kind, string Title, IReadOnlyDictionary<string, string[]>? Fields = null, TimeSpan? RetryAfter = null)
{
    public static Problem Validation(IReadOnlyDictionary<string, string[]> fields) => new(ProblemKind.Validation, "The request is not valid.", fields);

    public static Problem Validation(string field, string message) => Validation(new Dictionary<string, string[]> { [field] = [message] });

    public static Problem Unauthorized(string title) => new(ProblemKind.Unauthorized, title);

    /// <summary>The caller can see the resource but may not do this to it.</summary>
    public static Problem Forbidden(string title) => new(ProblemKind.Forbidden, title);

    /// <summary>Well-formed, but a rule of the domain forbids it (e.g. the owner leaving without a handover).</summary>
    public static Problem Unprocessable(string title) => new(ProblemKind.Unprocessable, title);

    public static Problem TooLarge(string title) => new(ProblemKind.TooLarge, title);

    public static Problem NotFound(string what) => new(ProblemKind.NotFound, $"{what} was not found.");

    public static Problem Conflict(string field, string message) => new(ProblemKind.Conflict, message, new Dictionary<string, string[]> { [field] = [message] });

    public static Problem RateLimited(TimeSpan retryAfter) => new(ProblemKind.RateLimited, "Too many attempts; try again later.", RetryAfter: retryAfter);
}
