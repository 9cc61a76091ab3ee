using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using DistaHilar.Core.Media;
using DistaHilar.Core.Storage;
using DistaHilar.LocalServices;
using DistaHilar.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DistaHilar.Tests.Media;

/// <summary>
/// Storage as a managed identity sees it in Azure: no account key, only an Entra ID bearer token. Azurite over HTTPS
/// with OAuth plays the account (it checks the token's issuer, audience and lifetime, and issues user delegation keys).
/// </summary>
public sealed class ManagedIdentityStorageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_an_account_key_upload_and_read_urls_are_user_delegation_sas_that_storage_honours()
    {
        var folder = Directory.CreateTempSubdirectory("dh-azurite-tls-");
        try
        {
            using var key = RSA.Create(2048);
            var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            var certPath = Path.Combine(folder.FullName, "cert.pem");
            var keyPath = Path.Combine(folder.FullName, "key.pem");
            await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem(), Ct);
            await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem(), Ct);
            await using var azurite = await AzuriteServer.StartAsync(new AzuriteTls(certPath, keyPath), TestEnvironment.LoggerFactory.CreateLogger("azurite-oauth"), Ct);

            using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint };
            var transport = new HttpClientTransport(handler);
            var storage = StorageClients.FromIdentity(
                new Uri(azurite.BlobEndpoint), new Uri(azurite.QueueEndpoint), new EntraToken(), new BlobClientOptions { Transport = transport }, new QueueClientOptions { Transport = transport });
            using var signer = new BlobSasSigner(storage, TimeProvider.System);
            var store = new BlobMediaStore(storage, signer, Options.Create(new MediaOptions()), TimeProvider.System);
            using var http = new HttpClient(handler, disposeHandler: false);
            var bytes = Encoding.UTF8.GetBytes("signed by a user delegation key");

            var upload = (await store.DirectUploadAsync("mi-upload", "text/plain", Ct)).Url;
            Assert.Contains("skoid=", upload.Query, StringComparison.Ordinal); // a user delegation SAS, not an account-key one
            using (var put = new HttpRequestMessage(HttpMethod.Put, upload) { Content = new ByteArrayContent(bytes) })
            {
                put.Headers.Add("x-ms-blob-type", "BlockBlob");
                using var response = await http.SendAsync(put, Ct);
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            }

            Assert.Equal(bytes.Length, await store.SizeAsync("mi-upload", Ct));
            var read = await store.ReadUrlAsync("mi-upload", "text/plain", "note.txt", attachment: true, Ct);
            Assert.Contains("skoid=", read.Query, StringComparison.Ordinal);
            using (var response = await http.GetAsync(read, Ct))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync(Ct));
                Assert.StartsWith("attachment", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
            }

            // The upload URL cannot read, and a forged signature is refused.
            using (var response = await http.GetAsync(upload, Ct))
            {
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            }

            var forged = new UriBuilder(read) { Query = read.Query.TrimStart('?').Replace("sig=", "sig=AAAA", StringComparison.Ordinal) }.Uri;
            using (var response = await http.GetAsync(forged, Ct))
            {
                Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>What Entra ID would hand a managed identity for storage; Azurite's basic OAuth does not check the signature.</summary>
    private sealed class EntraToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            var now = DateTimeOffset.UtcNow;
            var tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
            static string Part(object value) => Base64Url(JsonSerializer.SerializeToUtf8Bytes(value));
            var token = Part(new { alg = "RS256", typ = "JWT" }) + "." + Part(new
            {
                aud = "https://storage.azure.com",
                iss = $"https://sts.windows.net/{tenant}/",
                iat = now.AddMinutes(-5).ToUnixTimeSeconds(),
                nbf = now.AddMinutes(-5).ToUnixTimeSeconds(),
                exp = now.AddHours(1).ToUnixTimeSeconds(),
                oid = "0a1b2c3d-0000-4000-8000-000000000001",
                tid = tenant,
            }) + "." + Base64Url("not checked"u8.ToArray());
            return new AccessToken(token, now.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));

        private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
