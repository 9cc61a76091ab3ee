using System.Threading.RateLimiting;
using DistaHilar.Core.Common;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.RateLimiting;

/// <summary>What a user does that <see cref="UserLimits"/> meters, each with its own bucket.</summary>
public enum UserAction
{
    Message,
    Typing,
    Reaction,
    Search,
    Upload,
    ChatCreated,
    MemberAdded,
    CallStarted,
    ProfileUpdate,
}

/// <summary>
/// Per-user token buckets in this instance's memory (System.Threading.RateLimiting): no database round trip, about
/// 0.2 µs a check. Limits are per instance, so N instances let a user through up to N× the burst; the coarse limits that
/// must hold across instances are counted in PostgreSQL (<see cref="RateLimiter"/>, the storage quota). A bucket whose
/// user has been idle (full again) for a while is dropped by the limiter, so memory follows the active users.
/// </summary>
public sealed class UserLimits : IDisposable
{
    private readonly PartitionedRateLimiter<(UserAction Action, Guid UserId)> perUser;
    private readonly PartitionedRateLimiter<(Guid UserId, Guid ChatId)> perChat;
    private readonly RateLimitOptions options;

    public UserLimits(IOptions<RateLimitOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        perUser = PartitionedRateLimiter.Create<(UserAction Action, Guid UserId), (UserAction, Guid)>(key => Partition(key, Limit(key.Action)));
        perChat = PartitionedRateLimiter.Create<(Guid UserId, Guid ChatId), (Guid, Guid)>(key => Partition(key, this.options.MessagesPerChat));
    }

    /// <summary>Null when the user may do <paramref name="count"/> more of <paramref name="action"/> now, else a 429.</summary>
    public Problem? Check(UserAction action, Guid userId, int count = 1) => Take(perUser, (action, userId), Limit(action), count);

    /// <summary>
    /// <paramref name="count"/> messages into one chat: its bucket first, then the user's overall one. A refusal by the
    /// second still spends the first's tokens (buckets give nothing back), which only slows that chat a little more.
    /// </summary>
    public Problem? CheckMessages(Guid userId, Guid chatId, int count = 1) =>
        Take(perChat, (userId, chatId), options.MessagesPerChat, count) ?? Check(UserAction.Message, userId, count);

    public void Dispose()
    {
        perUser.Dispose();
        perChat.Dispose();
    }

    private static RateLimitPartition<TKey> Partition<TKey>(TKey key, BucketLimit limit) => limit.IsOff
        ? RateLimitPartition.GetNoLimiter(key)
        : RateLimitPartition.GetTokenBucketLimiter(key, _ => Bucket(limit));

    // Refilled by the partitioned limiter's one shared timer (every 100 ms), not a timer per bucket; at most once a
    // second, so a generous rate adds many tokens per period instead of firing a period every few microseconds.
    private static TokenBucketRateLimiterOptions Bucket(BucketLimit limit)
    {
        var perSecond = limit.PerMinute / 60;
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = limit.Burst,
            TokensPerPeriod = perSecond >= 1 ? (int)Math.Min(Math.Round(perSecond), int.MaxValue) : 1,
            ReplenishmentPeriod = perSecond >= 1 ? TimeSpan.FromSeconds(1) : TimeSpan.FromMinutes(1 / Math.Max(limit.PerMinute, 1e-6)),
            QueueLimit = 0,
            AutoReplenishment = false,
        };
    }

    private static Problem? Take<TKey>(PartitionedRateLimiter<TKey> limiter, TKey key, BucketLimit limit, int count)
    {
        if (limit.IsOff)
        {
            return null;
        }

        // More than the burst at once (a forward of many messages) passes only on a full bucket.
        using var lease = limiter.AttemptAcquire(key, Math.Clamp(count, 1, limit.Burst));
        if (lease.IsAcquired)
        {
            return null;
        }

        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.Zero;
        return Problem.RateLimited(wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait);
    }

    private BucketLimit Limit(UserAction action) => action switch
    {
        UserAction.Message => options.Messages,
        UserAction.Typing => options.Typing,
        UserAction.Reaction => options.Reactions,
        UserAction.Search => options.Searches,
        UserAction.Upload => options.Uploads,
        UserAction.ChatCreated => options.ChatsCreated,
        UserAction.MemberAdded => options.MembersAdded,
        UserAction.CallStarted => options.CallsStarted,
        UserAction.ProfileUpdate => options.ProfileUpdates,
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };
}
