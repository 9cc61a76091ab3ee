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
            (new MultipartFormDataContent { { Part([1, 2, 3], "image/png"), "file", "a.png" } }, HttpStatusCode.BadRequest),
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
