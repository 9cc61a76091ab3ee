using DistaHilar.Core.Realtime;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Realtime;

public sealed class OutboxFunction(OutboxDispatcher dispatcher)
{
    /// <summary>
    /// Every 5 seconds: requests publish their own events right after their commit, so this only catches what they
    /// could not (service down, process gone); an idle run is one indexed query.
    /// </summary>
    [Function("OutboxDispatcher")]
    public Task Run([TimerTrigger("*/5 * * * * *")] TimerInfo timer, CancellationToken ct) => dispatcher.RunAsync(ct);
}
