using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace DistaHilar.Core.Storage;

/// <summary>
/// Blob and queue clients for the app's storage account (<c>AzureWebJobsStorage</c>, the same account the
/// Functions host polls). Queue messages are base64-encoded, as the queue trigger expects by default.
/// </summary>
public sealed class StorageClients(BlobServiceClient blobs, QueueServiceClient queues)
{
    public const string Setting = "AzureWebJobsStorage";

    public BlobServiceClient Blobs { get; } = blobs;

    public QueueServiceClient Queues { get; } = queues;

    public static StorageClients FromConnectionString(string connectionString) =>
        new(new BlobServiceClient(connectionString),
            new QueueServiceClient(connectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }));
}
