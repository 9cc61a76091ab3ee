using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DistaHilar.Tests.Infrastructure;

namespace DistaHilar.Tests.DevHost;

/// <summary>The sample app's host.json: batchSize 4, maxDequeueCount 3, visibilityTimeout 0, base64 messages.</summary>
public sealed class DevHostQueueTests(TestEnvironment env)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_message_that_succeeds_is_processed_once_and_deleted()
    {
        var (queue, _, blobs) = await ClientsAsync("devhost-ok");
        var id = Guid.NewGuid().ToString("N");

        await queue.SendMessageAsync(id, TestContext.Current.CancellationToken);

        await Eventually.True(() => Exists(blobs, $"ok/{id}"), Patience, "the function to record the message");
        await Eventually.True(async () => await ApproximateCount(queue) == 0, Patience, "the message to be deleted");
        var dequeueCount = (await blobs.GetBlobClient($"ok/{id}").DownloadContentAsync(TestContext.Current.CancellationToken)).Value.Content.ToString();
        Assert.Equal("1", dequeueCount);
    }

    [Fact]
    public async Task A_message_that_always_fails_is_tried_maxDequeueCount_times_then_lands_in_poison()
    {
        var ct = TestContext.Current.CancellationToken;
        var (queue, poison, blobs) = await ClientsAsync("devhost-fail");
        var id = Guid.NewGuid().ToString("N");

        await queue.SendMessageAsync(id, ct);

        await Eventually.True(() => PoisonHolds(poison, id), Patience, "the message to reach devhost-fail-poison");
        var attempts = new List<string>();
        await foreach (var blob in blobs.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"fail/{id}/", cancellationToken: ct))
        {
            attempts.Add(blob.Name);
        }

        Assert.Equal([$"fail/{id}/1", $"fail/{id}/2", $"fail/{id}/3"], attempts.Order());
        Assert.False(await PeekHolds(queue, id), "the message left the trigger queue");
    }

    [Fact]
    public async Task A_malformed_message_goes_to_poison_and_the_poller_keeps_going()
    {
        var ct = TestContext.Current.CancellationToken;
        var (queue, poison, blobs) = await ClientsAsync("devhost-ok");
        var raw = new QueueClient((await env.ServersAsync()).Azurite.ConnectionString, "devhost-ok"); // no encoding: stored as is
        var garbage = "not base64 at all! " + Guid.NewGuid();
        var id = Guid.NewGuid().ToString("N");

        await raw.SendMessageAsync(garbage, ct);
        await queue.SendMessageAsync(id, ct);

        await Eventually.True(() => Exists(blobs, $"ok/{id}"), Patience, "the good message after the bad one to be processed");
        await Eventually.True(async () => await PoisonHoldsRaw(poison, garbage), Patience, "the malformed message to reach devhost-ok-poison");
    }

    private async Task<(QueueClient Queue, QueueClient Poison, BlobContainerClient Blobs)> ClientsAsync(string name)
    {
        await env.SampleAppAsync();
        var connection = (await env.ServersAsync()).Azurite.ConnectionString;
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var queue = new QueueClient(connection, name, options);
        await queue.CreateIfNotExistsAsync(cancellationToken: TestContext.Current.CancellationToken);
        var blobs = new BlobContainerClient(connection, "devhost-sample");
        await blobs.CreateIfNotExistsAsync(cancellationToken: TestContext.Current.CancellationToken);
        return (queue, new QueueClient(connection, name + "-poison", options), blobs);
    }

    private static async Task<bool> Exists(BlobContainerClient blobs, string name) =>
        await blobs.GetBlobClient(name).ExistsAsync(TestContext.Current.CancellationToken);

    private static async Task<int> ApproximateCount(QueueClient queue) =>
        (await queue.GetPropertiesAsync(TestContext.Current.CancellationToken)).Value.ApproximateMessagesCount;

    private static async Task<bool> PeekHolds(QueueClient queue, string text) =>
        (await queue.PeekMessagesAsync(32, TestContext.Current.CancellationToken)).Value.Any(m => m.Body.ToString() == text);

    private static async Task<bool> PoisonHolds(QueueClient poison, string text) =>
        await poison.ExistsAsync(TestContext.Current.CancellationToken) && await PeekHolds(poison, text);

    private async Task<bool> PoisonHoldsRaw(QueueClient poison, string raw)
    {
        // The poison queue keeps the message exactly as it was stored, undecodable bytes and all.
        var plain = new QueueClient((await env.ServersAsync()).Azurite.ConnectionString, poison.Name);
        return await plain.ExistsAsync(TestContext.Current.CancellationToken) && await PeekHolds(plain, raw);
    }
}
