using System.Net;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using DistaHilar.Tests.Realtime;
using Npgsql;
using SkiaSharp;

namespace DistaHilar.Tests.Media;

/// <summary>Profile and chat avatars through the media pipeline, served publicly by a redirect that lives only while they are avatars.</summary>
public sealed class AvatarTests(TestEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_profile_avatar_is_a_processed_image_anyone_can_load_until_it_is_replaced()
    {
        var (app, _) = await env.RealtimeAsync();
        var servers = await env.ServersAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var me = await ChatUser.RegisterAsync(http);
        var other = await ChatUser.RegisterAsync(http);
        var photo = await MediaApi.UploadAsync(me, "image", "me.jpg", "image/jpeg", MediaApi.JpegWithGps(800, 400));
        await MediaApi.ProcessedAsync(me, photo);

        var profile = await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, "api/users/me/avatar", new { mediaId = photo });
        var avatarUrl = profile.GetProperty("avatarUrl").GetString()!;
        Assert.StartsWith("/api/avatars/", avatarUrl, StringComparison.Ordinal);
        Assert.Equal(avatarUrl, (await other.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/users/{me.Id}")).GetProperty("avatarUrl").GetString());

        // Anonymous: a redirect to a short-lived URL of the 320 px thumbnail (the full image on request), without GPS.
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        using (var redirect = await anonymous.GetAsync(avatarUrl.TrimStart('/'), Ct))
        {
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            var (response, thumbnail) = await MediaApi.DownloadAsync(redirect.Headers.Location!);
            response.Dispose();
            using var small = SKBitmap.Decode(thumbnail);
            Assert.Equal((160, 320), (small.Width, small.Height));
        }

        using (var full = await anonymous.GetAsync(avatarUrl.TrimStart('/') + "?size=full", Ct))
        {
            var (response, image) = await MediaApi.DownloadAsync(full.Headers.Location!);
            using (response)
            {
                Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
            }

            Assert.True(image.AsSpan().IndexOf(MediaApi.GpsMarker) < 0);
        }

        // Replaced: the old link is dead at once, and the old image is left for the cleanup.
        var next = await MediaApi.UploadAsync(me, "image", "me2.png", "image/png", MediaApi.Png(100, 100));
        await MediaApi.ProcessedAsync(me, next);
        var replaced = await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, "api/users/me/avatar", new { mediaId = next });
        Assert.NotEqual(avatarUrl, replaced.GetProperty("avatarUrl").GetString());
        using (var dead = await anonymous.GetAsync(avatarUrl.TrimStart('/'), Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, dead.StatusCode);
        }

        await using var db = NpgsqlDataSource.Create(servers.Postgres.DirectConnectionString);
        await using (var released = db.CreateCommand($"SELECT (SELECT removable_after IS NOT NULL FROM media WHERE id = '{photo}') AND (SELECT removable_after IS NULL FROM media WHERE id = '{next}')"))
        {
            Assert.True((bool)(await released.ExecuteScalarAsync(Ct))!);
        }

        await me.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, "api/users/me/avatar");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await me.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, "api/users/me")).GetProperty("avatarUrl").ValueKind);
    }

    [Fact]
    public async Task A_chat_avatar_is_set_by_its_managers_with_their_own_images_and_members_hear_of_it()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);
        var owner = await ChatUser.RegisterAsync(http);
        var member = await ChatUser.RegisterAsync(http);
        var group = await owner.CreateGroupAsync(members: [member]);
        await using var memberEvents = await EventProbe.ConnectAsync(app.BaseAddress, member.Token);
        var image = await MediaApi.UploadAsync(owner, "image", "group.png", "image/png", MediaApi.Png(64, 64));
        var pending = (await owner.ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, "api/media/uploads", new { fileName = "p.png", contentType = "image/png", size = 10, kind = "image" })).GetProperty("mediaId").GetGuid();
        var membersImage = await MediaApi.UploadAsync(member, "image", "mine.png", "image/png", MediaApi.Png(32, 32));
        var file = await MediaApi.UploadAsync(owner, "file", "notes.txt", "text/plain", "notes"u8.ToArray());
        await MediaApi.ProcessedAsync(owner, image);
        await MediaApi.ProcessedAsync(member, membersImage);
        await MediaApi.ProcessedAsync(owner, file);

        await member.ExpectAsync(HttpStatusCode.Forbidden, HttpMethod.Put, $"api/chats/{group}/avatar", new { mediaId = membersImage });
        await owner.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Put, $"api/chats/{group}/avatar", new { mediaId = membersImage });
        await owner.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Put, $"api/chats/{group}/avatar", new { mediaId = file });
        await owner.ExpectAsync(HttpStatusCode.UnprocessableEntity, HttpMethod.Put, $"api/chats/{group}/avatar", new { mediaId = pending });
        await owner.ExpectAsync(HttpStatusCode.BadRequest, HttpMethod.Put, $"api/chats/{group}/avatar", new { });
        await owner.ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Put, $"api/chats/{Guid.NewGuid()}/avatar", new { mediaId = image });

        var chat = await owner.ExpectAsync(HttpStatusCode.OK, HttpMethod.Put, $"api/chats/{group}/avatar", new { mediaId = image });
        var url = chat.GetProperty("avatarUrl").GetString();
        Assert.StartsWith("/api/avatars/", url, StringComparison.Ordinal);
        await memberEvents.WaitForAsync("chat.updated", e => e.GetProperty("chatId").GetGuid() == group && e.GetProperty("data").GetProperty("avatarUrl").GetString() == url);

        await owner.ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/chats/{group}/avatar");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await member.ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/chats/{group}")).GetProperty("avatarUrl").ValueKind);
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        using var gone = await anonymous.GetAsync(url!.TrimStart('/'), Ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }
}
