namespace DistaHilar.Core.RateLimiting;

/// <summary>
/// App settings <c>RateLimits__*</c>. Two kinds: fixed windows counted in PostgreSQL (<see cref="RateLimiter"/>), shared
/// by every instance, for the paths that are not hot (sign-in, registration, creating chats, email/phone changes); and
/// in-memory token buckets (<see cref="UserLimits"/>, the <see cref="BucketLimit"/> properties) per user on each
/// instance, for the hot paths, which must not pay a database round trip: with N instances a user gets up to N× the
/// burst, which is fine for what they guard against (one client flooding), while the shared limits cap the rest.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Failed password checks per account (logins, and password checks of a signed-in user) per window, from all
    /// addresses together: the ceiling against guessing from many addresses. Beyond it only addresses the account has
    /// a session from may still try (see <see cref="Auth.LoginThrottle"/>).
    /// </summary>
    public int LoginFailuresPerAccount { get; set; } = 50;

    /// <summary>Failed password checks per account and client address before each further failure doubles the wait.</summary>
    public int LoginFailuresPerAddress { get; set; } = 5;

    /// <summary>The wait after the <see cref="LoginFailuresPerAddress"/>th failure; doubled by each one after it, up to <see cref="Window"/>.</summary>
    public TimeSpan LoginBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Login attempts per client IP per window.</summary>
    public int LoginsPerIp { get; set; } = 100;

    /// <summary>Registration attempts per client IP per window.</summary>
    public int RegistrationsPerIp { get; set; } = 20;

    /// <summary>Registration attempts per email address per window.</summary>
    public int RegistrationsPerEmail { get; set; } = 5;

    /// <summary>Groups and channels one user creates per day (PostgreSQL, shared), on top of <see cref="ChatsCreated"/>.</summary>
    public int ChatsCreatedPerDay { get; set; } = 50;

    /// <summary>
    /// <c>PATCH /api/users/me</c> requests that set an email or phone, per user per day (PostgreSQL, shared): a 409
    /// says the address is someone's, so this caps how many addresses one account can probe.
    /// </summary>
    public int EmailPhoneChangesPerDay { get; set; } = 10;

    /// <summary>Messages (sends and forwarded copies) per user per chat: about one a second, like Telegram, with a burst.</summary>
    public BucketLimit MessagesPerChat { get; set; } = new() { Burst = 20, PerMinute = 60 };

    /// <summary>Messages per user across all chats: about 30 a second.</summary>
    public BucketLimit Messages { get; set; } = new() { Burst = 60, PerMinute = 1800 };

    /// <summary><c>typing</c> hub calls per user; the excess is dropped without an error (clients repeat them anyway).</summary>
    public BucketLimit Typing { get; set; } = new() { Burst = 10, PerMinute = 60 };

    /// <summary>Reactions set or removed per user.</summary>
    public BucketLimit Reactions { get; set; } = new() { Burst = 30, PerMinute = 60 };

    /// <summary>Searches per user: chats, people and messages together (search as you type fits in the burst).</summary>
    public BucketLimit Searches { get; set; } = new() { Burst = 30, PerMinute = 60 };

    /// <summary>Uploads started per user (<c>POST /api/media/uploads</c> and <c>POST /api/media</c>).</summary>
    public BucketLimit Uploads { get; set; } = new() { Burst = 20, PerMinute = 30 };

    /// <summary>Groups and channels created per user.</summary>
    public BucketLimit ChatsCreated { get; set; } = new() { Burst = 5, PerMinute = 2 };

    /// <summary>People added to chats per user (each person counts, also the members a new group starts with).</summary>
    public BucketLimit MembersAdded { get; set; } = new() { Burst = 200, PerMinute = 100 };

    /// <summary>Calls started per user.</summary>
    public BucketLimit CallsStarted { get; set; } = new() { Burst = 10, PerMinute = 4 };

    /// <summary><c>PATCH /api/users/me</c> per user.</summary>
    public BucketLimit ProfileUpdates { get; set; } = new() { Burst = 10, PerMinute = 6 };

    /// <summary>The longest fixed window any counter uses, so cleanup never ends a window early.</summary>
    public TimeSpan LongestWindow => Window > TimeSpan.FromDays(1) ? Window : TimeSpan.FromDays(1);
}

/// <summary>
/// A token bucket: up to <see cref="Burst"/> at once, refilled at <see cref="PerMinute"/>. A burst of 0 turns the limit
/// off (nothing is counted).
/// </summary>
public sealed class BucketLimit
{
    public int Burst { get; set; }

    public double PerMinute { get; set; }

    public bool IsOff => Burst <= 0;
}
