using DistaHilar.Core.Storage;
using Microsoft.Extensions.Configuration;

namespace DistaHilar.Tests.Unit;

/// <summary>AzureWebJobsStorage as the Functions host reads it: a connection string, or an identity-based connection.</summary>
public sealed class StorageSettingsTests
{
    [Fact]
    public void An_account_name_alone_means_a_managed_identity_without_an_account_key()
    {
        var storage = StorageClients.FromConfiguration(Settings(("AzureWebJobsStorage:accountName", "dhmedia"), ("AzureWebJobsStorage:clientId", "00000000-0000-0000-0000-000000000001")));

        Assert.Equal(new Uri("https://dhmedia.blob.core.windows.net/"), storage.Blobs.Uri);
        Assert.Equal(new Uri("https://dhmedia.queue.core.windows.net/"), storage.Queues.Uri);
        Assert.False(storage.Blobs.CanGenerateAccountSasUri); // no key: SAS must come from a user delegation key
    }

    [Fact]
    public void Service_uris_override_the_account_name_and_a_connection_string_wins_over_both()
    {
        var byUri = StorageClients.FromConfiguration(Settings(("AzureWebJobsStorage:blobServiceUri", "https://b.example.net/"), ("AzureWebJobsStorage:queueServiceUri", "https://q.example.net/")));
        Assert.Equal(("b.example.net", "q.example.net"), (byUri.Blobs.Uri.Host, byUri.Queues.Uri.Host));

        var byKey = StorageClients.FromConfiguration(Settings(("AzureWebJobsStorage", "UseDevelopmentStorage=true"), ("AzureWebJobsStorage:accountName", "ignored")));
        Assert.True(byKey.Blobs.CanGenerateAccountSasUri);
    }

    [Fact]
    public void Nothing_configured_is_a_clear_startup_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => StorageClients.FromConfiguration(Settings()));
        Assert.Contains("AzureWebJobsStorage__accountName", error.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
