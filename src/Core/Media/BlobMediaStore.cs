using System.Net;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using DistaHilar.Core.Storage;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Media;

/// <summary>
/// Media bytes in Azure Blob Storage (Azurite locally). Upload URLs are SAS with create permission only, for one blob,
/// short-lived: the client can write that blob once and can neither read it nor overwrite it. A SAS cannot cap the
/// size, so completion checks it. Signed with the account key from the connection string; with managed identity a
/// user-delegation key would sign instead (issue 7 follow-up).
/// </summary>
public sealed class BlobMediaStore(StorageClients storage, BlobSasSigner signer, IOptions<MediaOptions> options, TimeProvider time) : IMediaStore
{
    private volatile BlobContainerClient? ready;

    /// <summary>One PUT of the bytes to a create-only SAS URL, with the headers Blob Storage needs.</summary>
    public async Task<DirectUpload> DirectUploadAsync(string key, string contentType, CancellationToken ct)
    {
        var blob = (await ContainerAsync(ct)).GetBlobClient(key);
        var expires = time.GetUtcNow() + options.Value.UploadUrlLifetime;
        var headers = new Dictionary<string, string> { ["x-ms-blob-type"] = "BlockBlob", ["Content-Type"] = contentType };
        return new DirectUpload(await signer.SignAsync(blob, UploadSas(blob, expires), ct), "PUT", headers, Fields: null, expires);
    }

    /// <summary>Create permission only, for one blob; public for tests that need an already expired one.</summary>
    public static BlobSasBuilder UploadSas(BlobClient blob, DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(blob);
        return new BlobSasBuilder(BlobSasPermissions.Create, expires)
        {
            BlobContainerName = blob.BlobContainerName,
            BlobName = blob.Name,
            Resource = "b",
            Protocol = blob.Uri.Scheme == Uri.UriSchemeHttps ? SasProtocol.Https : SasProtocol.HttpsAndHttp,
        };
    }

    /// <summary>The stored size, or null when nothing was uploaded.</summary>
    public async Task<long?> SizeAsync(string key, CancellationToken ct)
    {
        try
        {
            BlobProperties properties = await (await ContainerAsync(ct)).GetBlobClient(key).GetPropertiesAsync(cancellationToken: ct);
            return properties.ContentLength;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// The response body of one GET, read as it arrives (the SDK's OpenRead would fetch 4 MiB chunks: a whole photo
    /// to sniff its first bytes, measured in the media benchmark).
    /// </summary>
    public async Task<Stream> OpenReadAsync(string key, CancellationToken ct)
    {
        BlobDownloadStreamingResult download = await (await ContainerAsync(ct)).GetBlobClient(key).DownloadStreamingAsync(cancellationToken: ct);
        return download.Content;
    }

    /// <summary>
    /// Uploads in 1 MiB blocks, one at a time: a stream of unknown length (an API upload) is otherwise buffered in
    /// 4 MiB blocks, several at once, per upload (the benchmark's worker passed 500 MiB at 32 uploads).
    /// </summary>
    public async Task WriteAsync(string key, Stream content, string contentType, CancellationToken ct) =>
        await (await ContainerAsync(ct)).GetBlobClient(key).UploadAsync(
            content,
            new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                TransferOptions = new StorageTransferOptions { InitialTransferSize = WriteBlock, MaximumTransferSize = WriteBlock, MaximumConcurrency = 1 },
            },
            ct);

    private const int WriteBlock = 1024 * 1024;

    public async Task DeleteAsync(string key, CancellationToken ct) =>
        await (await ContainerAsync(ct)).GetBlobClient(key).DeleteIfExistsAsync(cancellationToken: ct);

    public async Task<Uri> ReadUrlAsync(string key, string contentType, string fileName, bool attachment, CancellationToken ct)
    {
        var blob = (await ContainerAsync(ct)).GetBlobClient(key);
        var sas = new BlobSasBuilder(BlobSasPermissions.Read, time.GetUtcNow() + options.Value.ReadUrlLifetime)
        {
            BlobContainerName = blob.BlobContainerName,
            BlobName = blob.Name,
            Resource = "b",
            ContentType = contentType,
            ContentDisposition = (attachment ? "attachment" : "inline") + "; filename*=UTF-8''" + Uri.EscapeDataString(fileName),
        };
        return await signer.SignAsync(blob, sas, ct);
    }

    public async Task<BlobContainerClient> ContainerAsync(CancellationToken ct)
    {
        var container = ready;
        if (container is null)
        {
            container = storage.Blobs.GetBlobContainerClient(options.Value.Container);
            await container.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: ct);
            ready = container;
        }

        return container;
    }
}
