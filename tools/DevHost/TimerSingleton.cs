using System.Net;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;

namespace DistaHilar.DevHost;

/// <summary>
/// What the Functions host does so that a timer trigger runs on one instance of an app at a time: the instance whose
/// listener holds a blob lease in AzureWebJobsStorage (container <c>azure-webjobs-hosts</c>, blob
/// <c>locks/{hostId}/Host.Functions.{name}.Listener</c>) runs the schedule; the others try again every
/// <see cref="DevHostOptions.TimerLockRecoveryInterval"/>. The schedule's status (<c>timers/{hostId}/Host.Functions.{name}/status</c>,
/// <c>{Last, Next, LastUpdated}</c>) survives a hand-over, so the next holder neither repeats an occurrence nor forgets
/// one that fell due while nobody held the lock (it runs it once, past due).
/// </summary>
internal sealed class TimerSingleton(BlobContainerClient container, string hostId, string functionName, TimeSpan leasePeriod, TimeSpan recoveryInterval, TimeProvider time, ILogger log)
{
    public const string Container = "azure-webjobs-hosts";

    private readonly string leaseId = Guid.NewGuid().ToString();

    private BlobClient LockBlob => container.GetBlobClient($"locks/{hostId}/Host.Functions.{functionName}.Listener");

    private BlobClient StatusBlob => container.GetBlobClient($"timers/{hostId}/Host.Functions.{functionName}/status");

    /// <summary>Waits until this instance holds the lock; the lease is renewed until the result is disposed (then released).</summary>
    public async Task<Held> AcquireAsync(CancellationToken ct)
    {
        var lease = LockBlob.GetBlobLeaseClient(leaseId);
        var announced = false;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                await container.CreateIfNotExistsAsync(cancellationToken: ct);
                await EnsureBlobAsync(ct);
                await lease.AcquireAsync(leasePeriod, cancellationToken: ct);
                log.LogInformation("Holds the timer lock of {Function}", functionName);
                return new Held(this, lease, leasePeriod, time, log);
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
            {
                // Another instance holds it.
                if (!announced)
                {
                    log.LogInformation("Timer {Function} runs on another instance; trying again every {Interval}", functionName, recoveryInterval);
                    announced = true;
                }
            }
            catch (RequestFailedException ex)
            {
                log.LogWarning("Timer lock of {Function} not taken: {Error}", functionName, ex.Message);
            }

            await Task.Delay(recoveryInterval, time, ct);
        }
    }

    /// <summary>The schedule's status as the last holder wrote it; null when none was written.</summary>
    public async Task<ScheduleStatus?> ReadStatusAsync(CancellationToken ct)
    {
        try
        {
            var content = await StatusBlob.DownloadContentAsync(ct);
            return content.Value.Content.ToObjectFromJson<ScheduleStatus>();
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public async Task WriteStatusAsync(ScheduleStatus status, CancellationToken ct)
    {
        try
        {
            await StatusBlob.UploadAsync(BinaryData.FromObjectAsJson(status), overwrite: true, ct);
        }
        catch (Exception ex) when (ex is RequestFailedException or OperationCanceledException)
        {
            log.LogWarning("Schedule status of {Function} not written: {Error}", functionName, ex.Message);
        }
    }

    private async Task EnsureBlobAsync(CancellationToken ct)
    {
        try
        {
            await LockBlob.UploadAsync(BinaryData.Empty, overwrite: false, ct);
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
        {
            // It exists (and may be leased).
        }
    }

    public sealed record ScheduleStatus(DateTimeOffset Last, DateTimeOffset Next, DateTimeOffset LastUpdated);

    /// <summary>A held lease, renewed at half its period; <see cref="Lost"/> is cancelled when a renewal fails.</summary>
    public sealed class Held : IAsyncDisposable
    {
        private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(2);

        private readonly BlobLeaseClient lease;
        private readonly CancellationTokenSource lost = new();
        private readonly CancellationTokenSource stop = new();
        private readonly Task renewing;

        internal Held(TimerSingleton owner, BlobLeaseClient lease, TimeSpan period, TimeProvider time, ILogger log)
        {
            Owner = owner;
            this.lease = lease;
            renewing = RenewAsync(period / 2, time, log);
        }

        public TimerSingleton Owner { get; }

        public CancellationToken Lost => lost.Token;

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await renewing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!lost.IsCancellationRequested)
            {
                // As the host does when it stops: the next instance need not wait for the lease to run out. Bounded,
                // since storage may be stopping too (a Ctrl-C reaches every process of the terminal).
                using var bounded = new CancellationTokenSource(ReleaseTimeout);
                try
                {
                    await lease.ReleaseAsync(cancellationToken: bounded.Token);
                }
                catch (Exception e) when (e is RequestFailedException or OperationCanceledException)
                {
                    // Lost, gone or unreachable: it runs out by itself.
                }
            }

            lost.Dispose();
            stop.Dispose();
        }

        private async Task RenewAsync(TimeSpan every, TimeProvider time, ILogger log)
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(every, time, stop.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                try
                {
                    await lease.RenewAsync(cancellationToken: stop.Token);
                }
                catch (RequestFailedException ex)
                {
                    log.LogWarning("Timer lock lost: {Error}", ex.Message);
                    await lost.CancelAsync();
                    return;
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
