using DistaHilar.Core.Auth;
using DistaHilar.Core.Common;
using DistaHilar.Core.RateLimiting;
using DistaHilar.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace DistaHilar.Tests.Unit;

/// <summary>The in-memory buckets and the login backoff as pure logic; AbuseLimitTests covers them through the app.</summary>
public sealed class UserLimitsTests
{
    private static readonly Guid Alice = Guid.NewGuid();
    private static readonly Guid Bob = Guid.NewGuid();
    private static readonly Guid ChatA = Guid.NewGuid();
    private static readonly Guid ChatB = Guid.NewGuid();

    [Fact]
    public void A_bucket_takes_its_burst_then_refuses_with_a_retry_after_of_the_refill_time()
    {
        using var limits = Limits(o => o.Reactions = new BucketLimit { Burst = 3, PerMinute = 1 });

        Assert.All(Enumerable.Range(0, 3), _ => Assert.Null(limits.Check(UserAction.Reaction, Alice)));
        var refused = limits.Check(UserAction.Reaction, Alice);

        Assert.Equal(ProblemKind.RateLimited, refused?.Kind);
        Assert.Equal(TimeSpan.FromMinutes(1), refused?.RetryAfter);
        Assert.Null(limits.Check(UserAction.Reaction, Bob)); // per user
        Assert.Null(limits.Check(UserAction.Search, Alice)); // per action
    }

    [Fact]
    public void Messages_are_limited_per_chat_and_across_chats()
    {
        using var limits = Limits(o =>
        {
            o.MessagesPerChat = new BucketLimit { Burst = 2, PerMinute = 0.001 };
            o.Messages = new BucketLimit { Burst = 3, PerMinute = 0.001 };
        });

        Assert.Null(limits.CheckMessages(Alice, ChatA));
        Assert.Null(limits.CheckMessages(Alice, ChatA));
        Assert.NotNull(limits.CheckMessages(Alice, ChatA));
        Assert.Null(limits.CheckMessages(Alice, ChatB));
        Assert.NotNull(limits.CheckMessages(Alice, ChatB)); // the chat has room, the user has not
        Assert.Null(limits.CheckMessages(Bob, ChatA));
    }

    [Fact]
    public void Several_at_once_take_as_many_tokens_and_more_than_the_burst_needs_a_full_bucket()
    {
        using var limits = Limits(o => o.MembersAdded = new BucketLimit { Burst = 5, PerMinute = 0.001 });

        Assert.Null(limits.Check(UserAction.MemberAdded, Alice, 3));
        Assert.NotNull(limits.Check(UserAction.MemberAdded, Alice, 3));
        Assert.Null(limits.Check(UserAction.MemberAdded, Alice, 2));

        Assert.Null(limits.Check(UserAction.MemberAdded, Bob, 50)); // a full bucket lets one oversized batch through
        Assert.NotNull(limits.Check(UserAction.MemberAdded, Bob, 1));
    }

    [Fact]
    public void A_short_retry_after_is_rounded_up_to_a_second()
    {
        using var limits = Limits(o => o.Messages = new BucketLimit { Burst = 1, PerMinute = 70 }); // a token every ~0.86 s

        Assert.Null(limits.CheckMessages(Alice, ChatA));
        var refused = limits.CheckMessages(Alice, ChatA);

        Assert.Equal(TimeSpan.FromSeconds(1), refused?.RetryAfter);
    }

    [Fact]
    public async Task An_empty_bucket_refills_at_its_rate()
    {
        using var limits = Limits(o => o.Typing = new BucketLimit { Burst = 1, PerMinute = 600 }); // one every 100 ms
        Assert.Null(limits.Check(UserAction.Typing, Alice));
        Assert.NotNull(limits.Check(UserAction.Typing, Alice));

        await Eventually.True(() => Task.FromResult(limits.Check(UserAction.Typing, Alice) is null), TimeSpan.FromSeconds(5), "a token to come back");
    }

    [Fact]
    public void A_burst_of_zero_turns_a_limit_off()
    {
        using var limits = Limits(o => o.Searches = new BucketLimit { Burst = 0, PerMinute = 0 });

        Assert.All(Enumerable.Range(0, 1000), _ => Assert.Null(limits.Check(UserAction.Search, Alice)));
    }

    [Fact]
    public void The_defaults_allow_a_telegram_like_burst_and_refuse_the_rest()
    {
        using var limits = new UserLimits(Options.Create(new RateLimitOptions()));

        Assert.All(Enumerable.Range(0, 20), _ => Assert.Null(limits.CheckMessages(Alice, ChatA)));
        Assert.NotNull(limits.CheckMessages(Alice, ChatA));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(5, 32)]
    [InlineData(9, 512)]
    [InlineData(10, 900)] // 1,024 s is more than the 15-minute window: capped
    [InlineData(1000, 900)]
    public void The_login_backoff_doubles_per_failure_up_to_the_window(int beyond, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), LoginThrottle.Backoff(TimeSpan.FromSeconds(1), beyond, TimeSpan.FromMinutes(15)));

    private static UserLimits Limits(Action<RateLimitOptions> configure)
    {
        var options = new RateLimitOptions();
        configure(options);
        return new UserLimits(Options.Create(options));
    }
}
