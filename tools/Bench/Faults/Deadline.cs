namespace DistaHilar.Bench.Faults;

/// <summary>Polling with a deadline, for the fault run's recovery measurements and probes.</summary>
internal static class Deadline
{
    /// <summary>Calls <paramref name="attempt"/> every <paramref name="every"/> until it gives a value; null once <paramref name="timeout"/> has passed.</summary>
    public static async Task<T?> UntilAsync<T>(Func<Task<T?>> attempt, TimeSpan timeout, TimeSpan every, CancellationToken ct)
        where T : struct
    {
        var started = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(started) < timeout)
        {
            if (await attempt() is { } value)
            {
                return value;
            }

            await Task.Delay(every, ct);
        }

        return null;
    }
}
