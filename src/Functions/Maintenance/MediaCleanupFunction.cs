using DistaHilar.Core.Media;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Maintenance;

public sealed class MediaCleanupFunction(MediaCleanup cleanup)
{
    /// <summary>Hourly, at minute 43 (away from housekeeping at :17).</summary>
    [Function("MediaCleanup")]
    public Task Run([TimerTrigger("0 43 * * * *")] TimerInfo timer, CancellationToken ct) => cleanup.RunAsync(ct);
}
