using System.Security.Cryptography;
using System.Text;
using DistaHilar.Core;
using DistaHilar.Core.Media;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DistaHilar.Tests.Unit;

/// <summary>The Cloudinary store's requests as built, without a server, and how the app chooses and configures it.</summary>
public sealed class CloudinaryStoreRequestTests
{
    private const string Secret = "unit-secret";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_767_225_600); // 2026-01-01T00:00:00Z

    [Fact]
    public void The_direct_upload_is_a_signed_post_of_exactly_these_fields()
    {
        var upload = Store().DirectUpload("0a1b2c");

        Assert.Equal("https://api.cloudinary.com/v1_1/demo/raw/upload", upload.Url.ToString());
        Assert.Equal("POST", upload.Method);
        Assert.Empty(upload.Headers);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["public_id"] = "0a1b2c",
                ["type"] = "authenticated",
                ["overwrite"] = "false",
                ["timestamp"] = "1767225600",
                ["api_key"] = "1234",
                ["signature"] = Sha1Hex("overwrite=false&public_id=0a1b2c&timestamp=1767225600&type=authenticated" + Secret),
            },
            upload.Fields);
        Assert.Equal(Now + TimeSpan.FromMinutes(15), upload.ExpiresAt);
    }

    [Theory]
    [InlineData(5, 5)]
    [InlineData(60, 60)]
    [InlineData(61, 60)]
    [InlineData(24 * 60, 60)]
    public void The_upload_expires_after_the_configured_lifetime_but_at_most_an_hour_after_its_timestamp(int lifetimeMinutes, int expectedMinutes)
    {
        var upload = Store(new MediaOptions { UploadUrlLifetime = TimeSpan.FromMinutes(lifetimeMinutes) }).DirectUpload("k");

        Assert.Equal(Now + TimeSpan.FromMinutes(expectedMinutes), upload.ExpiresAt);
    }

    [Fact]
    public void The_timestamp_is_whole_seconds_and_the_expiry_counts_from_it()
    {
        var upload = Store(now: Now + TimeSpan.FromMilliseconds(999)).DirectUpload("k");

        Assert.Equal("1767225600", upload.Fields!["timestamp"]);
        Assert.Equal(Now + TimeSpan.FromMinutes(15), upload.ExpiresAt);
    }

    [Fact]
    public void An_attachment_download_url_is_signed_with_its_expiry_and_file_name()
    {
        var url = Store().DownloadUrl("0a1b2c", Now + TimeSpan.FromMinutes(15), attachment: true, fileName: "a & b=c.pdf");
        var query = QueryHelpers.ParseQuery(url.Query).ToDictionary(q => q.Key, q => q.Value.ToString());

        Assert.Equal("https://api.cloudinary.com/v1_1/demo/raw/download", url.GetLeftPart(UriPartial.Path));
        Assert.Equal("a & b=c.pdf", query["target_filename"]);
        Assert.Equal("true", query["attachment"]);
        Assert.Equal("1767226500", query["expires_at"]);
        Assert.Equal("1234", query["api_key"]);
        Assert.Equal(
            Sha1Hex("attachment=true&expires_at=1767226500&public_id=0a1b2c&target_filename=a & b=c.pdf&timestamp=1767225600&type=authenticated" + Secret),
            query["signature"]);
        Assert.Equal(["public_id", "type", "expires_at", "attachment", "target_filename", "timestamp", "api_key", "signature"], query.Keys);
    }

    [Fact]
    public void An_inline_download_url_has_no_attachment_and_no_file_name()
    {
        var url = Store().DownloadUrl("0a1b2c", Now + TimeSpan.FromMinutes(1), attachment: false, fileName: "x.png");
        var query = QueryHelpers.ParseQuery(url.Query);

        Assert.False(query.ContainsKey("attachment"));
        Assert.False(query.ContainsKey("target_filename"));
        Assert.Equal(Sha1Hex("expires_at=1767225660&public_id=0a1b2c&timestamp=1767225600&type=authenticated" + Secret), query["signature"].ToString());
    }

    [Fact]
    public void Sha256_accounts_get_sha256_signatures()
    {
        var upload = Store(algorithm: CloudinarySignatureAlgorithm.Sha256).DirectUpload("k");

        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("overwrite=false&public_id=k&timestamp=1767225600&type=authenticated" + Secret)));
        Assert.Equal(expected, upload.Fields!["signature"]);
    }

    [Fact]
    public void The_secret_appears_in_no_url_or_field()
    {
        var store = Store();
        var upload = store.DirectUpload("k");
        var url = store.DownloadUrl("k", Now + TimeSpan.FromMinutes(1), attachment: true, fileName: "f");

        Assert.DoesNotContain(Secret, url.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, upload.Url.ToString(), StringComparison.Ordinal);
        Assert.All(upload.Fields!.Values, v => Assert.DoesNotContain(Secret, v, StringComparison.Ordinal));
    }

    [Fact]
    public void A_base_url_with_a_path_and_a_trailing_slash_keeps_its_path()
    {
        var store = Store(baseUrl: new Uri("http://127.0.0.1:5000/cloudinary/"));

        Assert.Equal("http://127.0.0.1:5000/cloudinary/v1_1/demo/raw/upload", store.DirectUpload("k").Url.ToString());
    }

    [Fact]
    public void App_settings_select_cloudinary_when_a_cloud_name_is_set_and_blob_storage_otherwise()
    {
        using var cloudinary = Provider(new()
        {
            ["Media:Cloudinary:CloudName"] = "demo",
            ["Media:Cloudinary:ApiKey"] = "1234",
            ["Media:Cloudinary:ApiSecret"] = Secret,
            ["Media:Cloudinary:SignatureAlgorithm"] = "sha256",
            ["Media:Cloudinary:ApiBaseUrl"] = "http://127.0.0.1:9/",
        });
        using var blob = Provider(new() { ["Media:Cloudinary:CloudName"] = "" });

        Assert.IsType<CloudinaryMediaStore>(cloudinary.GetRequiredService<IMediaStore>());
        var options = cloudinary.GetRequiredService<IOptions<CloudinaryOptions>>().Value;
        Assert.Equal(CloudinarySignatureAlgorithm.Sha256, options.SignatureAlgorithm);
        Assert.Equal(new Uri("http://127.0.0.1:9/"), options.ApiBaseUrl);
        Assert.IsType<BlobMediaStore>(blob.GetRequiredService<IMediaStore>());
    }

    [Fact]
    public void A_cloud_name_without_key_and_secret_is_refused_at_start()
    {
        using var provider = Provider(new() { ["Media:Cloudinary:CloudName"] = "demo" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<CloudinaryOptions>>().Value);

        Assert.Contains("Media__Cloudinary__ApiKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("Media__Cloudinary__ApiSecret", error.Message, StringComparison.Ordinal);
    }

    private static CloudinaryMediaStore Store(MediaOptions? media = null, DateTimeOffset? now = null, Uri? baseUrl = null, CloudinarySignatureAlgorithm algorithm = CloudinarySignatureAlgorithm.Sha1) => new(
        new HttpClient(), // never used: these tests make no request
        Options.Create(new CloudinaryOptions { CloudName = "demo", ApiKey = "1234", ApiSecret = Secret, SignatureAlgorithm = algorithm, ApiBaseUrl = baseUrl ?? new Uri("https://api.cloudinary.com") }),
        Options.Create(media ?? new MediaOptions()),
        new FixedClock(now ?? Now));

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "Cloudinary's default digest, recomputed here independently.")]
    private static string Sha1Hex(string text) => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(text)));

    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        settings["Database:ConnectionString"] = "Host=127.0.0.1;Port=1;Database=x;Username=x;Password=x";
        settings["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
        settings["Auth:SigningKeys:0:Id"] = "k";
        settings["Auth:SigningKeys:0:Secret"] = Convert.ToBase64String(new byte[32]);
        settings["Auth:ActiveSigningKeyId"] = "k";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddDistaHilarCore(configuration).BuildServiceProvider();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
