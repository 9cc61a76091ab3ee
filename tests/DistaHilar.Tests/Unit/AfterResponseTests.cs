using DistaHilar.Core.Common;

namespace DistaHilar.Tests.Unit;

/// <summary>The work a response need not wait for: run inline unless detached, then started at once and kept in order.</summary>
public sealed class AfterResponseTests
{
    [Fact]
    public async Task Without_detach_the_caller_waits_for_the_work()
    {
        var after = new AfterResponse();
        var gate = new TaskCompletionSource();

        var started = after.Start(() => gate.Task);

        Assert.False(started.IsCompleted);
        Assert.False(after.HasWork);
        gate.SetResult();
        await started;
    }

    [Fact]
    public async Task Detached_work_starts_at_once_runs_in_order_and_is_awaited_by_finish()
    {
        var after = new AfterResponse();
        after.Detach();
        var order = new List<string>();
        var first = new TaskCompletionSource();

        var a = after.Start(async () => { order.Add("first started"); await first.Task; order.Add("first done"); });
        var b = after.Start(() => { order.Add("second"); return Task.CompletedTask; });

        Assert.True(a.IsCompleted && b.IsCompleted); // the caller does not wait
        Assert.Equal(["first started"], order); // started at once; the second waits for the first
        var finished = after.FinishAsync();
        Assert.False(finished.IsCompleted);
        first.SetResult();
        await finished;
        Assert.Equal(["first started", "first done", "second"], order);
    }
}
