namespace DistaHilar.Tests.Infrastructure;

/// <summary>Waits for a condition by polling it, with a deadline: how tests synchronise with background work.</summary>
public static class Eventually
{
    public static async Task<T> Returns<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        while (true)
        {
            last = await probe();
            if (condition(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}; last value: {last}");
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public static Task True(Func<Task<bool>> probe, TimeSpan timeout, string what) =>
        Returns(probe, ok => ok, timeout, what);
}
