using System.Net;
using System.Security.Cryptography;
using DistaHilar.Core.Media;
using Microsoft.Extensions.Options;

namespace DistaHilar.Tests.Media;

/// <summary>
/// The Cloudinary store against <see cref="CloudinaryFake"/>, which checks every signature, the basic auth and the
/// expiries with its own code: what a client and the app do with it, and what is refused.
/// </summary>
public sealed class CloudinaryMediaStoreTests : IAsyncLifetime
{
    private const string Secret = "fake-api-secret-0123456789";
    private readonly ManualClock clock = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly HttpClient http = new();
    private CloudinaryFake fake = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => fake = await CloudinaryFake.StartAsync(clock, Secret, ct: Ct);

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        await fake.DisposeAsync();
    }

    [Fact]
    public async Task A_client_posts_the_direct_upload_form_and_the_size_is_then_known()
    {
        var store = Store();
        var key = NewKey();
        Assert.Null(await store.SizeAsync(key, Ct));

        var upload = await store.DirectUploadAsync(key, "image/jpeg", Ct);
        var bytes = RandomNumberGenerator.GetBytes(12_345);

        Assert.Equal("POST", upload.Method);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromMinutes(15), upload.ExpiresAt);
        Assert.DoesNotContain(Secret, upload.Url.ToString(), StringComparison.Ordinal);
        Assert.All(upload.Fields!.Values.Concat(upload.Headers.Values), v => Assert.DoesNotContain(Secret, v, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, await ClientPostAsync(upload, upload.Fields!, bytes));
        Assert.Equal(bytes.Length, await store.SizeAsync(key, Ct));
        Assert.Equal(bytes, fake.Assets[CloudinaryFake.Address("raw", "authenticated", key)]);
    }

    [Fact]
    public async Task A_client_cannot_change_a_signed_field_nor_replace_what_it_uploaded()
    {
        var store = Store();
        var key = NewKey();
        var upload = await store.DirectUploadAsync(key, "image/jpeg", Ct);

        var otherKey = new Dictionary<string, string>(upload.Fields!) { ["public_id"] = NewKey() };
        Assert.Equal(HttpStatusCode.Unauthorized, await ClientPostAsync(upload, otherKey, [1, 2, 3]));
        var overwriting = new Dictionary<string, string>(upload.Fields!) { ["overwrite"] = "true" };
        Assert.Equal(HttpStatusCode.Unauthorized, await ClientPostAsync(upload, overwriting, [1, 2, 3]));

        byte[] first = [1, 2, 3, 4];
        Assert.Equal(HttpStatusCode.OK, await ClientPostAsync(upload, upload.Fields!, first));
        Assert.Equal(HttpStatusCode.OK, await ClientPostAsync(upload, upload.Fields!, [9, 9, 9, 9, 9, 9]));

        Assert.Equal(first, await ReadAllAsync(store, key));
    }

    [Fact]
    public async Task The_upload_form_expires_within_Cloudinarys_hour_even_with_a_longer_lifetime()
    {
        var store = Store(new MediaOptions { UploadUrlLifetime = TimeSpan.FromHours(3) });
        var upload = await store.DirectUploadAsync(NewKey(), "video/mp4", Ct);

        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromHours(1), upload.ExpiresAt);
        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.BadRequest, await ClientPostAsync(upload, upload.Fields!, [1, 2, 3]));
    }

    [Fact]
    public async Task Writes_stream_in_chunks_and_read_back_whole_and_a_second_write_replaces()
    {
        var store = Store();
        var key = NewKey();
        var bytes = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);

        await store.WriteAsync(key, new ForwardOnlyStream(bytes), "application/pdf", Ct);

        Assert.Equal(1, fake.UploadsWithoutLength); // no Content-Length: sent as read, not buffered first
        Assert.Equal(bytes.Length, await store.SizeAsync(key, Ct));
        Assert.Equal(bytes, await ReadAllAsync(store, key));

        byte[] processed = [7, 7, 7];
        await store.WriteAsync(key, new MemoryStream(processed), "image/webp", Ct);
        Assert.Equal(processed, await ReadAllAsync(store, key));
    }

    [Fact]
    public async Task The_callers_stream_stays_open_after_a_write()
    {
        var store = Store();
        using var content = new MemoryStream([1, 2, 3]);

        await store.WriteAsync(NewKey(), content, "application/octet-stream", Ct);

        Assert.True(content.CanRead);
    }

    [Fact]
    public async Task A_read_url_works_until_it_expires_and_attachments_download_under_their_name()
    {
        var store = Store(new MediaOptions { ReadUrlLifetime = TimeSpan.FromMinutes(2) });
        var key = NewKey();
        byte[] bytes = [10, 20, 30, 40];
        await store.WriteAsync(key, new MemoryStream(bytes), "application/pdf", Ct);

        var url = await store.ReadUrlAsync(key, "application/pdf", "report 1 & 2.pdf", attachment: true, Ct);
        var inline = await store.ReadUrlAsync(key, "image/png", "photo.png", attachment: false, Ct);

        using (var response = await http.GetAsync(url, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync(Ct));
            Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
            Assert.Equal("report 1 & 2.pdf", response.Content.Headers.ContentDisposition?.FileNameStar);
        }

        using (var response = await http.GetAsync(inline, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(response.Content.Headers.ContentDisposition);
        }

        clock.Advance(TimeSpan.FromMinutes(2));
        using (var expired = await http.GetAsync(url, Ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        }
    }

    [Fact]
    public async Task A_read_url_with_a_later_expiry_than_signed_is_refused()
    {
        var store = Store();
        var key = NewKey();
        await store.WriteAsync(key, new MemoryStream([1]), "image/png", Ct);
        var url = (await store.ReadUrlAsync(key, "image/png", "a.png", attachment: false, Ct)).ToString();
        var signedExpiry = (clock.GetUtcNow() + new MediaOptions().ReadUrlLifetime).ToUnixTimeSeconds();

        var extended = url.Replace($"expires_at={signedExpiry}", $"expires_at={signedExpiry + 86_400}", StringComparison.Ordinal);

        Assert.NotEqual(url, extended);
        using var response = await http.GetAsync(new Uri(extended), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Delete_removes_the_asset_and_deleting_again_is_fine()
    {
        var store = Store();
        var key = NewKey();
        await store.WriteAsync(key, new MemoryStream([1, 2]), "image/png", Ct);

        await store.DeleteAsync(key, Ct);

        Assert.Null(await store.SizeAsync(key, Ct));
        await Assert.ThrowsAsync<FileNotFoundException>(() => store.OpenReadAsync(key, Ct));
        await store.DeleteAsync(key, Ct);
        Assert.Empty(fake.Assets);
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_everywhere_and_never_shows_in_the_error()
    {
        const string wrong = "not-the-secret-but-a-secret-all-the-same";
        var good = Store();
        var bad = Store(secret: wrong);
        var key = NewKey();
        await good.WriteAsync(key, new MemoryStream([1, 2, 3]), "image/png", Ct);

        var write = await Assert.ThrowsAsync<CloudinaryException>(() => bad.WriteAsync(NewKey(), new MemoryStream([1]), "image/png", Ct));
        var size = await Assert.ThrowsAsync<CloudinaryException>(() => bad.SizeAsync(key, Ct));
        var read = await Assert.ThrowsAsync<CloudinaryException>(() => bad.OpenReadAsync(key, Ct));
        var delete = await Assert.ThrowsAsync<CloudinaryException>(() => bad.DeleteAsync(key, Ct));
        var upload = await bad.DirectUploadAsync(NewKey(), "image/png", Ct);

        Assert.All(new[] { write, size, read, delete }, e =>
        {
            Assert.Equal(HttpStatusCode.Unauthorized, e.Status);
            Assert.DoesNotContain(wrong, e.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, e.ToString(), StringComparison.Ordinal);
        });
        Assert.Equal(HttpStatusCode.Unauthorized, await ClientPostAsync(upload, upload.Fields!, [1]));
        using var response = await http.GetAsync(await bad.ReadUrlAsync(key, "image/png", "a.png", attachment: false, Ct), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(3, await good.SizeAsync(key, Ct)); // the refused delete left it alone
    }

    [Fact]
    public async Task Sha256_accounts_work_with_the_sha256_setting_only()
    {
        await using var sha256Fake = await CloudinaryFake.StartAsync(clock, Secret, sha256: true, Ct);
        var right = Store(baseUrl: sha256Fake.BaseUrl, algorithm: CloudinarySignatureAlgorithm.Sha256);
        var wrong = Store(baseUrl: sha256Fake.BaseUrl);
        var key = NewKey();

        await right.WriteAsync(key, new MemoryStream([5, 6]), "image/png", Ct);

        Assert.Equal([5, 6], await ReadAllAsync(right, key));
        await Assert.ThrowsAsync<CloudinaryException>(() => wrong.WriteAsync(NewKey(), new MemoryStream([1]), "image/png", Ct));
    }

    private CloudinaryMediaStore Store(MediaOptions? media = null, string secret = Secret, Uri? baseUrl = null, CloudinarySignatureAlgorithm algorithm = CloudinarySignatureAlgorithm.Sha1) => new(
        http,
        Options.Create(new CloudinaryOptions { CloudName = fake.CloudName, ApiKey = fake.ApiKey, ApiSecret = secret, ApiBaseUrl = baseUrl ?? fake.BaseUrl, SignatureAlgorithm = algorithm }),
        Options.Create(media ?? new MediaOptions()),
        clock);

    private static string NewKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>What a web client does with an upload target: FormData with the fields, then the file.</summary>
    private async Task<HttpStatusCode> ClientPostAsync(DirectUpload upload, IReadOnlyDictionary<string, string> fields, byte[] bytes)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        form.Add(new ByteArrayContent(bytes), "file", "photo.jpg");
        using var request = new HttpRequestMessage(new HttpMethod(upload.Method), upload.Url) { Content = form };
        foreach (var (name, value) in upload.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(request, Ct);
        return response.StatusCode;
    }

    private static async Task<byte[]> ReadAllAsync(CloudinaryMediaStore store, string key)
    {
        await using var stream = await store.OpenReadAsync(key, Ct);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Ct);
        return copy.ToArray();
    }

    /// <summary>A body of unknown length, as a request body or a pipe is.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
