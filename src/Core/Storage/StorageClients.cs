using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

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

    private static QueueClientOptions QueueOptions => new() { MessageEncoding = QueueMessageEncoding.Base64 };

    public static StorageClients FromConnectionString(string connectionString) =>
        new(new BlobServiceClient(connectionString), new QueueServiceClient(connectionString, QueueOptions));

    public static StorageClients FromIdentity(Uri blobServiceUri, Uri queueServiceUri, TokenCredential credential, BlobClientOptions? blobOptions = null, QueueClientOptions? queueOptions = null)
    {
        var queue = queueOptions ?? QueueOptions;
        queue.MessageEncoding = QueueMessageEncoding.Base64;
        return new(new BlobServiceClient(blobServiceUri, credential, blobOptions), new QueueServiceClient(queueServiceUri, credential, queue));
    }

    /// <summary>
    /// The settings the Functions host reads too: a connection string in <c>AzureWebJobsStorage</c>, or an
    /// identity-based connection (<c>AzureWebJobsStorage__accountName</c>, or <c>__blobServiceUri</c> and
    /// <c>__queueServiceUri</c>; <c>__clientId</c> for a user-assigned identity). With an identity there is no account
    /// key: read and upload URLs are then signed with a user delegation key.
    /// </summary>
    public static StorageClients FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[Setting] is { Length: > 0 } connectionString)
        {
            return FromConnectionString(connectionString);
        }

        var section = configuration.GetSection(Setting);
        var account = section["accountName"];
        var blob = section["blobServiceUri"] ?? (account is { Length: > 0 } ? $"https://{account}.blob.core.windows.net" : null);
        var queue = section["queueServiceUri"] ?? (account is { Length: > 0 } ? $"https://{account}.queue.core.windows.net" : null);
        if (blob is null || queue is null)
        {
            throw new InvalidOperationException($"{Setting} is required: a connection string, or {Setting}__accountName (or __blobServiceUri and __queueServiceUri) for a managed identity.");
        }

        TokenCredential credential = section["clientId"] is { Length: > 0 } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();
        return FromIdentity(new Uri(blob), new Uri(queue), credential);
    }
}
