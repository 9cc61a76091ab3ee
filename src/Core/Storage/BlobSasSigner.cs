using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;

namespace DistaHilar.Core.Storage;

/// <summary>
/// Signs SAS URLs for single blobs: with the account key when the connection has one (connection strings, Azurite),
/// otherwise — a managed identity, which has no key — with a user delegation key, fetched once a day and shared.
/// </summary>
public sealed class BlobSasSigner(StorageClients storage, TimeProvider time) : IDisposable
{
    /// <summary>How long one user delegation key is asked for (the service allows up to 7 days).</summary>
    private static readonly TimeSpan KeyLifetime = TimeSpan.FromDays(1);

    private readonly SemaphoreSlim gate = new(1, 1);
    private UserDelegationKey? key;

    public async Task<Uri> SignAsync(BlobClient blob, BlobSasBuilder sas, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(sas);
        if (blob.CanGenerateSasUri)
        {
            return blob.GenerateSasUri(sas);
        }

        var delegation = await DelegationKeyAsync(sas.ExpiresOn, ct);
        return new BlobUriBuilder(blob.Uri) { Sas = sas.ToSasQueryParameters(delegation, blob.AccountName) }.ToUri();
    }

    /// <summary>A key valid at least until <paramref name="until"/>: a SAS cannot outlive the key that signs it.</summary>
    private async Task<UserDelegationKey> DelegationKeyAsync(DateTimeOffset until, CancellationToken ct)
    {
        var current = Volatile.Read(ref key);
        if (current is not null && current.SignedExpiresOn >= until)
        {
            return current;
        }

        await gate.WaitAsync(ct);
        try
        {
            current = key;
            if (current is null || current.SignedExpiresOn < until)
            {
                var now = time.GetUtcNow();
                current = (await storage.Blobs.GetUserDelegationKeyAsync(now.AddMinutes(-5), now + KeyLifetime, ct)).Value;
                Volatile.Write(ref key, current);
            }

            return current;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();
}
