using System.Globalization;
using System.Text;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using DistaHilar.DevHost.Rpc;
using Microsoft.Extensions.Logging;

namespace DistaHilar.DevHost;

/// <summary>
/// Runs one queue-triggered function with the Functions host's semantics: batches of <c>batchSize</c>, a new
/// batch when in-flight work drops to <c>newBatchThreshold</c>, a renewed lease while a function runs,
/// delete on success, visible again after <c>visibilityTimeout</c> on failure, and the <c>-poison</c> queue
/// once <c>maxDequeueCount</c> is reached. Messages that cannot be decoded go straight to poison.
/// </summary>
internal sealed class QueueListener(
    FunctionDescriptor function,
    QueueClient queue,
    QueueClient poison,
    QueueTriggerOptions options,
    WorkerChannel channel,
    TimeProvider time,
    ILogger log)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public async Task RunAsync(CancellationToken ct)
    {
        var inFlight = new HashSet<Task>();
        var delay = QueueTriggerOptions.MinPollingInterval;
        var queueReady = false;
        while (!ct.IsCancellationRequested)
        {
            inFlight.RemoveWhere(t => t.IsCompleted);
            if (inFlight.Count > options.NewBatchThreshold)
            {
                await ((Task)Task.WhenAny(inFlight)).WaitAsync(ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            QueueMessage[] batch;
            try
            {
                if (!queueReady)
                {
                    await queue.CreateIfNotExistsAsync(cancellationToken: ct);
                    queueReady = true;
                }

                batch = (await queue.ReceiveMessagesAsync(options.BatchSize, options.Lease, ct)).Value;
            }
            catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or AggregateException && !ct.IsCancellationRequested)
            {
                log.LogWarning("Polling queue {Queue} for {Function} failed: {Error}", queue.Name, function.Name, ex.Message);
                batch = [];
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }

            if (batch.Length == 0)
            {
                await Task.Delay(delay, time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxPollingInterval.Ticks));
                continue;
            }

            delay = QueueTriggerOptions.MinPollingInterval;
            foreach (var message in batch)
            {
                inFlight.Add(ProcessAsync(message, ct));
            }
        }

        await Task.WhenAll(inFlight).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task ProcessAsync(QueueMessage message, CancellationToken ct)
    {
        var raw = message.Body.ToString();
        try
        {
            if (!TryDecode(raw, out var text))
            {
                log.LogWarning("Message {Id} on {Queue} is not valid {Encoding}; moving it to {Poison}", message.MessageId, queue.Name, "base64", poison.Name);
                await MoveToPoisonAsync(message.MessageId, message.PopReceipt, raw, ct);
                return;
            }

            if (message.DequeueCount > options.MaxDequeueCount)
            {
                // Dequeued too often already (e.g. a worker crashed while holding it): never run it again.
                await MoveToPoisonAsync(message.MessageId, message.PopReceipt, raw, ct);
                return;
            }

            var lease = new Lease(message.PopReceipt);
            InvocationResponse? response = null;
            using (var renewing = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                var renewal = RenewAsync(message.MessageId, lease, renewing.Token);
                try
                {
                    response = await channel.InvokeAsync(NewRequest(message, text), ct);
                }
                catch (Exception ex) when (ex is WorkerUnavailableException or OperationCanceledException)
                {
                    log.LogWarning("{Function} did not finish message {Id}: {Reason}", function.Name, message.MessageId, ex.Message);
                }
                finally
                {
                    await renewing.CancelAsync();
                    await renewal;
                }
            }

            if (response is null)
            {
                // The host is stopping or the worker died: release the message for the next host at once.
                await queue.UpdateMessageAsync(message.MessageId, lease.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None);
            }
            else if (response.Result.Status == StatusResult.Types.Status.Success)
            {
                await queue.DeleteMessageAsync(message.MessageId, lease.PopReceipt, CancellationToken.None);
            }
            else if (message.DequeueCount >= options.MaxDequeueCount)
            {
                log.LogWarning("{Function} failed message {Id} {Count} times; moving it to {Poison}: {Error}", function.Name, message.MessageId, message.DequeueCount, poison.Name, response.Result.Exception?.Message);
                await MoveToPoisonAsync(message.MessageId, lease.PopReceipt, raw, CancellationToken.None);
            }
            else
            {
                log.LogWarning("{Function} failed message {Id} (attempt {Count} of {Max}): {Error}", function.Name, message.MessageId, message.DequeueCount, options.MaxDequeueCount, response.Result.Exception?.Message);
                await queue.UpdateMessageAsync(message.MessageId, lease.PopReceipt, visibilityTimeout: options.VisibilityTimeout, cancellationToken: CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or OperationCanceledException)
        {
            // Storage trouble: the lease runs out and the message comes back, as with the real host.
            log.LogWarning("Settling message {Id} on {Queue} failed: {Error}", message.MessageId, queue.Name, ex.Message);
        }
    }

    private bool TryDecode(string raw, out string text)
    {
        text = raw;
        if (!options.Base64Encoding)
        {
            return true;
        }

        var buffer = new byte[raw.Length];
        if (!Convert.TryFromBase64String(raw, buffer, out var written))
        {
            return false;
        }

        try
        {
            text = StrictUtf8.GetString(buffer, 0, written);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private InvocationRequest NewRequest(QueueMessage message, string text)
    {
        var request = Invocations.New(function, Guid.NewGuid().ToString(), Invocations.Payload(text));
        var metadata = request.TriggerMetadata;
        metadata["QueueTrigger"] = new TypedData { String = text };
        metadata["DequeueCount"] = Invocations.Json(message.DequeueCount);
        metadata["Id"] = new TypedData { String = message.MessageId };
        metadata["PopReceipt"] = new TypedData { String = message.PopReceipt };
        metadata["InsertionTime"] = Invocations.Json(message.InsertedOn);
        metadata["ExpirationTime"] = Invocations.Json(message.ExpiresOn);
        metadata["NextVisibleTime"] = Invocations.Json(message.NextVisibleOn);
        metadata["sys"] = Invocations.Json(new { MethodName = function.Name, UtcNow = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) });
        return request;
    }

    private async Task RenewAsync(string messageId, Lease lease, CancellationToken ct)
    {
        var every = options.Lease / 2;
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(every, time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (ct.IsCancellationRequested)
            {
                return;
            }

            try
            {
                var receipt = await queue.UpdateMessageAsync(messageId, lease.PopReceipt, visibilityTimeout: options.Lease, cancellationToken: ct);
                lease.PopReceipt = receipt.Value.PopReceipt;
            }
            catch (Exception ex) when (ex is RequestFailedException or HttpRequestException or OperationCanceledException)
            {
                log.LogWarning("Renewing the lease of message {Id} failed: {Error}", messageId, ex.Message);
            }
        }
    }

    private async Task MoveToPoisonAsync(string messageId, string popReceipt, string raw, CancellationToken ct)
    {
        await poison.CreateIfNotExistsAsync(cancellationToken: ct);
        await poison.SendMessageAsync(raw, ct);
        await queue.DeleteMessageAsync(messageId, popReceipt, ct);
    }

    /// <summary>The current pop receipt: each lease renewal issues a new one.</summary>
    private sealed class Lease(string popReceipt)
    {
        public string PopReceipt { get; set; } = popReceipt;
    }
}
