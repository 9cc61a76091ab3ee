using DistaHilar.Core.Media;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Media;

public sealed class MediaProcessingFunctions(MediaProcessor processor)
{
    /// <summary>Processes one completed upload; idempotent, so a redelivered job is harmless.</summary>
    [Function("MediaProcessing")]
    public Task Process([QueueTrigger(MediaService.Queue)] MediaJob job, CancellationToken ct) => processor.ProcessAsync(job, ct);

    /// <summary>A job that failed every attempt: the media are marked failed and the uploader told.</summary>
    [Function("MediaProcessingPoison")]
    public Task GiveUp([QueueTrigger(MediaProcessor.PoisonQueue)] MediaJob job, CancellationToken ct) => processor.GiveUpAsync(job, ct);
}
