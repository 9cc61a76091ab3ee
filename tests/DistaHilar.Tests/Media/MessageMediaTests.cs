using System.Net;
using System.Text.Json;
using DistaHilar.Core.Media;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using DistaHilar.Tests.Realtime;
using Npgsql;

namespace DistaHilar.Tests.Media;

/// <summary>Media on messages: who may attach what, and who may see it afterwards.</summary>
public sealed class MessageMediaTests(TestEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Members_see_the_media_of_a_message_and_nobody_else_does()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var sender = await ChatUser.RegisterAsync(http);
        var member = await ChatUser.RegisterAsync(http);
        var stranger = await ChatUser.RegisterAsync(http);
        var group = await sender.CreateGroupAsync(members: [member]);
        var photo = await MediaApi.UploadAsync(sender, "image", "cat.jpg", "image/jpeg", MediaApi.JpegWithGps(200, 100));
        var video = await MediaApi.UploadAsync(sender, "video", "clip.mp4", "video/mp4", await MediaApi.FfmpegAsync("mp4", "-f", "lavfi", "-i", "testsrc=duration=1:size=160x120:rate=5", "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast"));
        await MediaApi.ProcessedAsync(sender, photo);

        // Before it is attached, only the uploader sees it.
        await member.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/media/{photo}");
        var sent = await sender.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{group}/messages", new { clientMessageId = "album-1", mediaIds = new[] { photo, video } });
        Assert.Equal(JsonValueKind.Null, sent.GetProperty("text").ValueKind);
        Assert.Equal([photo, video], sent.GetProperty("media").EnumerateArray().Select(m => m.GetProperty("id").GetGuid()).ToArray());

        var history = await member.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{group}/messages");
        var media = history.GetProperty("items")[0].GetProperty("media");
        Assert.Equal(2, media.GetArrayLength());
        Assert.Equal(("image", "ready"), (media[0].GetProperty("kind").GetString(), media[0].GetProperty("status").GetString()));
        var (response, bytes) = await MediaApi.DownloadAsync(new Uri(media[0].GetProperty("url").GetString()!));
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(bytes.AsSpan().IndexOf(MediaApi.GpsMarker) < 0);
        }

        Assert.Equal(photo, (await member.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/media/{photo}")).GetProperty("id").GetGuid());
        await stranger.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/media/{photo}");
        await stranger.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/media/{video}");

        // Someone who leaves loses access; the message deleted for everyone takes it from the rest.
        await member.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"api/chats/{group}/leave");
        await member.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/media/{photo}");
        var third = await ChatUser.RegisterAsync(http);
        var other = await sender.CreateGroupAsync(members: [third]);
        var again = await sender.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{other}/messages", new { clientMessageId = "again", text = "look", mediaIds = new[] { photo } });
        await third.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/media/{photo}");
        await sender.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"api/chats/{other}/messages/delete", new { messageIds = new[] { again.GetProperty("id").GetGuid() }, forEveryone = true });
        await third.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/media/{photo}");
    }

    [Fact]
    public async Task Members_learn_when_attached_media_finish_processing()
    {
        var (app, _) = await env.RealtimeAsync();
        var servers = await env.ServersAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var sender = await ChatUser.RegisterAsync(http);
        var member = await ChatUser.RegisterAsync(http);
        var group = await sender.CreateGroupAsync(members: [member]);
        await using var memberEvents = await EventProbe.ConnectAsync(app.BaseAddress, member.Token);
        // Uploaded and complete as far as the database knows, its job not queued yet: the message goes out while the
        // media are still pending, then processing runs.
        var mediaId = await MediaApi.CompletedWithoutJobAsync(sender, servers, "image", "a.png", "image/png", MediaApi.Png(48, 24));

        var sent = await sender.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{group}/messages", new { clientMessageId = "pending-photo", text = "wait for it", mediaIds = new[] { mediaId } });
        Assert.Equal("pending", sent.GetProperty("media")[0].GetProperty("status").GetString());
        var created = await memberEvents.WaitForChatEventAsync("message.created", group);

        await MediaApi.QueueJobAsync(servers, MediaService.Queue, mediaId);

        var updated = await memberEvents.WaitForAsync("media.updated", e => e.GetProperty("chatId").GetGuid() == group, TimeSpan.FromSeconds(30));
        Assert.Equal((mediaId, "ready", 48), (updated.Data.GetProperty("id").GetGuid(), updated.Data.GetProperty("status").GetString(), updated.Data.GetProperty("width").GetInt32()));
        Assert.Equal(created.Seq + 1, updated.Seq);
    }

    [Fact]
    public async Task Bad_attachments_are_refused_and_write_nothing()
    {
        var (app, _) = await env.RealtimeAsync();
        var servers = await env.ServersAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);
        var other = await ChatUser.RegisterAsync(http);
        var group = await me.CreateGroupAsync(members: [other]);
        var mine = await MediaApi.UploadAsync(me, "file", "notes.txt", "text/plain", "hello"u8.ToArray());
        var theirs = await MediaApi.UploadAsync(other, "file", "theirs.txt", "text/plain", "theirs"u8.ToArray());
        var failed = await MediaApi.UploadAsync(me, "image", "fake.jpg", "image/jpeg", "not a picture"u8.ToArray());
        Assert.Equal("failed", (await MediaApi.ProcessedAsync(me, failed)).GetProperty("status").GetString());
        var incomplete = (await me.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/media/uploads", new { fileName = "b.txt", contentType = "text/plain", size = 5, kind = "file" })).GetProperty("mediaId").GetGuid();
        var messages = $"api/chats/{group}/messages";

        foreach (var body in new object[]
        {
            new { clientMessageId = "b1", mediaIds = new[] { theirs } },
            new { clientMessageId = "b2", mediaIds = new[] { failed } },
            new { clientMessageId = "b3", mediaIds = new[] { incomplete } },
            new { clientMessageId = "b4", mediaIds = new[] { mine, Guid.NewGuid() } },
            new { clientMessageId = "b5", mediaIds = new[] { mine, mine } },
            new { clientMessageId = "b6", mediaIds = Enumerable.Repeat(0, 11).Select(_ => Guid.NewGuid()).ToArray() },
            new { clientMessageId = "b7", text = new string('x', 1025), mediaIds = new[] { mine } } as object,
            new { clientMessageId = "b8", mediaIds = Array.Empty<Guid>() },
        })
        {
            var (status, json) = await me.CallAsync(HttpMethod.Post, messages, body);
            Assert.True(status == HttpStatusCode.BadRequest, $"{JsonSerializer.Serialize(body)} → {(int)status} {json}");
        }

        await using var db = NpgsqlDataSource.Create(servers.Postgres.DirectConnectionString);
        await using var count = db.CreateCommand($"SELECT (SELECT count(*) FROM messages WHERE chat_id = '{group}') + (SELECT count(*) FROM message_media a JOIN messages m ON m.id = a.message_id WHERE m.chat_id = '{group}')");
        Assert.Equal(0L, await count.ExecuteScalarAsync(Ct));

        // A caption of exactly 1,024 characters is fine, and so is a message of media alone.
        await me.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, messages, new { clientMessageId = "ok1", text = new string('x', 1024), mediaIds = new[] { mine } });
        var edited = await me.CallAsync(HttpMethod.Get, messages);
        var messageId = edited.Body.GetProperty("items")[0].GetProperty("id").GetGuid();
        await me.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Patch, $"{messages}/{messageId}", new { text = new string('y', 1025) });
    }
}
