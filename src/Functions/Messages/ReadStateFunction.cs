using DistaHilar.Core.Messages;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Messages;

public sealed class ReadStateFunction(ReadStateAggregator aggregator)
{
    /// <summary>Applies read pointers to read counts and announces them; idempotent, so redelivery is harmless.</summary>
    [Function("ReadStateAggregator")]
    public Task Run([QueueTrigger(ReadStateAggregator.Queue)] ReadEvent read, CancellationToken ct) => aggregator.ApplyAsync(read, ct);
}
