using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DistaHilar.Core.Media;
using DistaHilar.Core.Storage;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using DistaHilar.Tests.Realtime;

namespace DistaHilar.Tests.Media;

/// <summary>Direct uploads against real Azurite: a write-once, write-only URL per file; completion checked once.</summary>
public sealed class MediaUploadTests(TestEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_upload_url_writes_one_blob_once_and_completion_queues_processing_exactly_once()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var owner = await ChatUser.RegisterAsync(http);
        var stranger = await ChatUser.RegisterAsync(http);
        await using var events = await EventProbe.ConnectAsync(app.BaseAddress, owner.Token);
        var bytes = new byte[1000];
        Random.Shared.NextBytes(bytes);

        var target = await owner.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/media/uploads", new { fileName = "../../etc/photo.jpg", contentType = "image/jpeg", size = bytes.Length, kind = "image" });
        var mediaId = target.GetProperty("mediaId").GetGuid();
        var url = new Uri(target.GetProperty("uploadUrl").GetString()!);
        Assert.Equal("PUT", target.GetProperty("method").GetString());
        Assert.True(target.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);
        Assert.DoesNotContain(mediaId.ToString(), url.AbsolutePath, StringComparison.OrdinalIgnoreCase);

        await owner.ExpectAsync((HttpStatusCode)422, HttpMethod.Post, $"api/media/uploads/{mediaId}/complete");
        using var storage = new HttpClient();
        Assert.Equal(HttpStatusCode.Created, await MediaApi.PutAsync(storage, url, target.GetProperty("headers"), bytes));
        // Write-only and write-once: the URL neither reads nor replaces the file.
        using (var read = await storage.GetAsync(url, Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, await MediaApi.PutAsync(storage, url, target.GetProperty("headers"), new byte[10]));

        var pending = await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/media/{mediaId}");
        Assert.Equal(("pending", "photo.jpg", JsonValueKind.Null), (pending.GetProperty("status").GetString(), pending.GetProperty("fileName").GetString(), pending.GetProperty("size").ValueKind));

        var completed = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => owner.ExpectAsync(HttpStatusCode.Accepted, HttpMethod.Post, $"api/media/uploads/{mediaId}/complete")));
        Assert.All(completed, c => Assert.Equal(bytes.Length, c.GetProperty("size").GetInt64()));
        await owner.ExpectAsync(HttpStatusCode.Accepted, HttpMethod.Post, $"api/media/uploads/{mediaId}/complete");
        // The one job ran once: random bytes declared as an image fail, announced to the uploader exactly once.
        var failed = await MediaApi.ProcessedAsync(owner, mediaId);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        await events.WaitForAsync("media.updated", e => e.GetProperty("data").GetProperty("id").GetGuid() == mediaId);
        await owner.ExpectAsync(HttpStatusCode.Accepted, HttpMethod.Post, $"api/media/uploads/{mediaId}/complete");
        var jobs = await QueuedJobsAsync(mediaId);
        Assert.Equal(0, jobs);
        Assert.Single(events.Events, e => e.Target == "media.updated" && e.Data.GetProperty("id").GetGuid() == mediaId);

        // Someone else's upload does not exist for them.
        await stranger.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/media/{mediaId}");
        await stranger.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"api/media/uploads/{mediaId}/complete");
    }

    [Fact]
    public async Task An_expired_upload_url_is_refused_by_storage()
    {
        var servers = await env.ServersAsync();
        var storage = StorageClients.FromConnectionString(servers.AppSettings["AzureWebJobsStorage"]!);
        var container = storage.Blobs.GetBlobContainerClient("media");
        await container.CreateIfNotExistsAsync(cancellationToken: Ct);
        var expiredBlob = container.GetBlobClient("expired-" + Guid.NewGuid().ToString("N"));
        var liveBlob = container.GetBlobClient("live-" + Guid.NewGuid().ToString("N"));
        var expired = expiredBlob.GenerateSasUri(BlobMediaStore.UploadSas(expiredBlob, DateTimeOffset.UtcNow.AddMinutes(-1)));
        var live = liveBlob.GenerateSasUri(BlobMediaStore.UploadSas(liveBlob, DateTimeOffset.UtcNow.AddMinutes(5)));
        using var http = new HttpClient();
        using var headers = JsonDocument.Parse("""{"x-ms-blob-type":"BlockBlob","Content-Type":"image/png"}""");

        Assert.Equal(HttpStatusCode.Forbidden, await MediaApi.PutAsync(http, expired, headers.RootElement, [1, 2, 3]));
        Assert.Equal(HttpStatusCode.Created, await MediaApi.PutAsync(http, live, headers.RootElement, [1, 2, 3]));
    }

    [Fact]
    public async Task Bad_declarations_are_refused_before_any_url_is_made()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);

        await me.ExpectAsync(HttpStatusCode.RequestEntityTooLarge, HttpMethod.Post, "api/media/uploads", new { fileName = "big.jpg", contentType = "image/jpeg", size = 10L * 1024 * 1024 + 1, kind = "image" });
        foreach (var bad in new object[]
        {
            new { fileName = "a.jpg", contentType = "image/jpeg", size = 10, kind = "sticker" },
            new { fileName = "", contentType = "image/jpeg", size = 10, kind = "image" },
            new { fileName = "a\u0000.jpg", contentType = "image/jpeg", size = 10, kind = "image" },
            new { fileName = "a.jpg", contentType = "jpeg", size = 10, kind = "image" },
            new { fileName = "a.jpg", contentType = "image/jpeg", size = 0, kind = "image" },
            new { fileName = "a.jpg", contentType = "image/jpeg", size = -5, kind = "image" },
        })
        {
            await me.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Post, "api/media/uploads", bad);
        }

        await me.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/media/{Guid.NewGuid()}");
        await me.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Post, $"api/media/uploads/{Guid.NewGuid()}/complete");
    }

    private async Task<int> QueuedJobsAsync(Guid mediaId)
    {
        var queue = StorageClients.FromConnectionString((await env.ServersAsync()).AppSettings["AzureWebJobsStorage"]!).Queues.GetQueueClient(MediaService.Queue);
        return (await queue.PeekMessagesAsync(32, Ct)).Value.Count(m => m.Body.ToString().Contains(mediaId.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_small_file_streams_through_the_api_and_is_processed()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);
        using var form = new MultipartFormDataContent { { new StringContent("image"), "kind" }, { Part(MediaApi.Png(30, 20), "image/png"), "file", "dot.png" } };

        using var response = await PostMultipartAsync(http, me, form);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var mediaId = accepted.GetProperty("id").GetGuid();
        Assert.Equal($"/api/media/{mediaId}", response.Headers.Location?.OriginalString);
        Assert.Equal("dot.png", accepted.GetProperty("fileName").GetString());
        var media = await MediaApi.ProcessedAsync(me, mediaId);
        Assert.Equal(("ready", 30, 20), (media.GetProperty("status").GetString(), media.GetProperty("width").GetInt32(), media.GetProperty("height").GetInt32()));
    }

    [Fact]
    public async Task Bad_multipart_uploads_are_refused_and_store_nothing()
    {
        var (app, _) = await env.RealtimeAsync();
        var servers = await env.ServersAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);

        // Over the image limit (10 MB): cut off while streaming, nothing recorded.
        using (var tooBig = new MultipartFormDataContent { { new StringContent("image"), "kind" }, { Part(new byte[(10 * 1024 * 1024) + 1], "image/png"), "file", "big.png" } })
        using (var response = await PostMultipartAsync(http, me, tooBig))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        var cases = new (HttpContent Body, HttpStatusCode Expected)[]
        {
            (new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), HttpStatusCode.UnsupportedMediaType),
            (new MultipartFormDataContent { { new StringContent("image"), "kind" } }, HttpStatusCode.BadRequest),
            (new MultipartFormDataContent { { new StringContent("image"), "kind" }, { Part("MZ\u0090\u0000"u8.ToArray(), "application/x-msdownload"), "file", "a.exe" } }, HttpStatusCode.UnsupportedMediaType),
            (new MultipartFormDataContent { { new StringContent("sticker"), "kind" }, { Part([1, 2, 3], "image/png"), "file", "a.png" } }, HttpStatusCode.BadRequest),
            (new MultipartFormDataContent { { new StringContent("file"), "kind" }, { Part([], "text/plain"), "file", "empty.txt" } }, HttpStatusCode.BadRequest),
        };
        foreach (var (body, expected) in cases)
        {
            using (body)
            using (var response = await PostMultipartAsync(http, me, body))
            {
                Assert.Equal(expected, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        await using var db = Npgsql.NpgsqlDataSource.Create(servers.Postgres.DirectConnectionString);
        await using var count = db.CreateCommand($"SELECT count(*) FROM media WHERE owner_id = '{me.Id}'");
        Assert.Equal(0L, await count.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task Without_a_kind_the_bytes_decide_it()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);

        async Task<JsonElement> UploadAsync(byte[] bytes, string contentType, string fileName)
        {
            using var form = new MultipartFormDataContent { { Part(bytes, contentType), "file", fileName } };
            using var response = await PostMultipartAsync(http, me, form);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        }

        // A PNG sent as a generic octet-stream is an image, processed as one (so its type was taken from the bytes).
        var png = await UploadAsync(MediaApi.Png(30, 20), "application/octet-stream", "photo.bin");
        Assert.Equal("image", png.GetProperty("kind").GetString());
        var processed = await MediaApi.ProcessedAsync(me, png.GetProperty("id").GetGuid());
        Assert.Equal(("ready", 30, 20), (processed.GetProperty("status").GetString(), processed.GetProperty("width").GetInt32(), processed.GetProperty("height").GetInt32()));

        // Bytes that are no image, video or audio make a file, whatever the declared type suggests.
        Assert.Equal("file", (await UploadAsync("just some notes"u8.ToArray(), "text/plain", "notes.txt")).GetProperty("kind").GetString());
        Assert.Equal("file", (await UploadAsync([1, 2, 3], "image/png", "a.png")).GetProperty("kind").GetString());
        var ogg = await MediaApi.FfmpegAsync("ogg", "-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "libopus");
        Assert.Equal("audio", (await UploadAsync(ogg, "application/octet-stream", "sound")).GetProperty("kind").GetString());
    }

    [Fact]
    public async Task A_content_type_that_cannot_be_its_kind_is_refused_at_once_and_nothing_is_written()
    {
        var (app, _) = await env.RealtimeAsync();
        var servers = await env.ServersAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);

        foreach (var (contentType, kind) in new[] { ("application/x-msdownload", "image"), ("application/octet-stream", "image"), ("text/html", "video"), ("image/png", "audio") })
        {
            using var response = await me.SendAsync(HttpMethod.Post, "api/media/uploads", new { fileName = "x", contentType, size = 10, kind });
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(415, problem.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("type").GetString()));
            Assert.True(problem.GetProperty("errors").TryGetProperty("contentType", out _), problem.GetRawText());
        }

        // Through the API, before a byte of the file is stored: over the image limit, yet refused for its type, not its size.
        using (var form = new MultipartFormDataContent { { new StringContent("image"), "kind" }, { Part(new byte[(10 * 1024 * 1024) + 1], "application/x-msdownload"), "file", "setup.exe" } })
        using (var response = await PostMultipartAsync(http, me, form))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        }

        // What may be that kind still is: a voice note in a WebM container, an image of any image type.
        await me.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/media/uploads", new { fileName = "voice.webm", contentType = "video/webm", size = 10, kind = "voice" });
        await me.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/media/uploads", new { fileName = "p.heic", contentType = "image/heic", size = 10, kind = "image" });

        await using var db = Npgsql.NpgsqlDataSource.Create(servers.Postgres.DirectConnectionString);
        await using var count = db.CreateCommand($"SELECT count(*) FROM media WHERE owner_id = '{me.Id}'");
        Assert.Equal(2L, await count.ExecuteScalarAsync(Ct));
    }

    private static ByteArrayContent Part(byte[] bytes, string contentType)
    {
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        return part;
    }

    private static async Task<HttpResponseMessage> PostMultipartAsync(HttpClient http, ChatUser user, HttpContent body)
    {
        using var request = AccountsApi.Authorized(HttpMethod.Post, "api/media", user.Token);
        request.Content = body;
        return await http.SendAsync(request, Ct);
    }
}
