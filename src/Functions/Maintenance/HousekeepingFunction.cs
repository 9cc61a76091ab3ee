using DistaHilar.Core.Maintenance;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Maintenance;

public sealed class HousekeepingFunction(Housekeeping housekeeping)
{
    /// <summary>Hourly, at minute 17 (off the hour, when other schedules cluster).</summary>
    [Function("Housekeeping")]
    public Task Run([TimerTrigger("0 17 * * * *")] TimerInfo timer, CancellationToken ct) => housekeeping.RunAsync(ct);
}
