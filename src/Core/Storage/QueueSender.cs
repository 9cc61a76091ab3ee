using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Storage.Queues;

namespace DistaHilar.Core.Storage;

/// <summary>Puts JSON messages on the app's queues (created on first use, once per queue and process).</summary>
public sealed class QueueSender(StorageClients storage)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, Lazy<Task<QueueClient>>> queues = new(StringComparer.Ordinal);

    /// <param name="delay">The message stays invisible this long (at most 7 days): a durable timer.</param>
    public async Task SendAsync<T>(string queueName, T message, CancellationToken ct, TimeSpan? delay = null)
    {
        var queue = await queues.GetOrAdd(queueName, name => new Lazy<Task<QueueClient>>(() => CreateAsync(name))).Value.WaitAsync(ct);
        await queue.SendMessageAsync(JsonSerializer.Serialize(message, Json), visibilityTimeout: delay, cancellationToken: ct);
    }

    private async Task<QueueClient> CreateAsync(string name)
    {
        var queue = storage.Queues.GetQueueClient(name);
        try
        {
            await queue.CreateIfNotExistsAsync();
            return queue;
        }
        catch
        {
            queues.TryRemove(name, out _); // the next message tries again
            throw;
        }
    }
}
