using System.Net;
using System.Net.Http.Json;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Chats;
using DistaHilar.Tests.Infrastructure;
using DistaHilar.Tests.Media;

namespace DistaHilar.Tests.Contract;

/// <summary>
/// The main routes' response bodies, success and problem, match the schemas openapi.yaml gives for their status
/// (not only the routes being there): a field renamed, missing, of another type or not allowed fails here.
/// </summary>
public sealed class ResponseSchemaTests(TestEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Accounts_chats_messages_calls_live_rooms_and_media_answer_as_documented()
    {
        var (app, _) = await env.RealtimeAsync();
        using var http = AccountsApi.Client(app.BaseAddress);

        async Task<System.Text.Json.JsonElement> CheckAsync(ChatUser? user, HttpMethod method, string url, string path, object? body = null, HttpContent? content = null)
        {
            using var request = user is null ? new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) } : AccountsApi.Authorized(method, url, user.Token, body);
            if (content is not null)
            {
                request.Content = content;
            }

            using var response = await http.SendAsync(request, Ct);
            return await OpenApiResponses.AssertMatchesAsync(response, method.Method, path);
        }

        await CheckAsync(null, HttpMethod.Get, "api/health", "/health");
        var username = AccountsApi.NewUsername();
        var registered = await CheckAsync(null, HttpMethod.Post, "api/auth/register", "/auth/register", new { username, email = $"{username}@example.test", password = "pw-" + Guid.NewGuid().ToString("N"), name = "Schema" });
        await CheckAsync(null, HttpMethod.Post, "api/auth/register", "/auth/register", new { username = "x" }); // 400 problem
        var me = await ChatUser.RegisterAsync(http);
        var peer = await ChatUser.RegisterAsync(http);
        Assert.Equal(username, registered.GetProperty("user").GetProperty("username").GetString());

        await CheckAsync(me, HttpMethod.Get, "api/users/me", "/users/me");
        await CheckAsync(me, HttpMethod.Get, $"api/users/{peer.Id}", "/users/{userId}");
        await CheckAsync(me, HttpMethod.Get, "api/auth/sessions", "/auth/sessions");

        var group = (await CheckAsync(me, HttpMethod.Post, "api/chats/groups", "/chats/groups", new { title = "Schemas", memberIds = new[] { peer.Id } })).GetProperty("id").GetGuid();
        await CheckAsync(me, HttpMethod.Get, $"api/chats/{group}", "/chats/{chatId}");
        await CheckAsync(me, HttpMethod.Get, $"api/chats/{group}/members", "/chats/{chatId}/members");
        var sent = await CheckAsync(me, HttpMethod.Post, $"api/chats/{group}/messages", "/chats/{chatId}/messages", new { text = "hello schemas", clientMessageId = Guid.NewGuid().ToString() });
        await CheckAsync(me, HttpMethod.Post, $"api/chats/{group}/messages", "/chats/{chatId}/messages", new { text = 5 }); // 400 problem
        await CheckAsync(peer, HttpMethod.Get, $"api/chats/{group}/messages?limit=10", "/chats/{chatId}/messages");
        await CheckAsync(peer, HttpMethod.Post, $"api/chats/{group}/read", "/chats/{chatId}/read", new { upToMessageId = sent.GetProperty("id").GetGuid() });
        await CheckAsync(me, HttpMethod.Get, "api/chats", "/chats");
        await CheckAsync(me, HttpMethod.Get, "api/messages/search?q=schemas", "/messages/search");
        await CheckAsync(me, HttpMethod.Get, $"api/chats/{Guid.NewGuid()}", "/chats/{chatId}"); // 404 problem
        await CheckAsync(me, HttpMethod.Get, "api/updates", "/updates");

        await CheckAsync(me, HttpMethod.Get, "api/calls/ice-servers", "/calls/ice-servers");
        var dialog = (await CheckAsync(me, HttpMethod.Post, "api/chats/dialogs", "/chats/dialogs", new { userId = peer.Id })).GetProperty("id").GetGuid();
        var call = (await CheckAsync(me, HttpMethod.Post, "api/calls", "/calls", new { chatId = dialog, video = false })).GetProperty("id").GetGuid();
        await CheckAsync(me, HttpMethod.Post, $"api/calls/{call}/end", "/calls/{callId}/end");
        await CheckAsync(me, HttpMethod.Get, "api/calls", "/calls");

        await CheckAsync(me, HttpMethod.Post, $"api/chats/{group}/live", "/chats/{chatId}/live");
        await CheckAsync(peer, HttpMethod.Post, $"api/chats/{group}/live/join", "/chats/{chatId}/live/join");
        await CheckAsync(peer, HttpMethod.Get, $"api/chats/{group}/live", "/chats/{chatId}/live");

        var upload = await CheckAsync(me, HttpMethod.Post, "api/media/uploads", "/media/uploads", new { fileName = "a.png", contentType = "image/png", size = 10, kind = "image" });
        await CheckAsync(me, HttpMethod.Post, "api/media/uploads", "/media/uploads", new { fileName = "a.exe", contentType = "application/x-msdownload", size = 10, kind = "image" }); // 415
        using var file = new ByteArrayContent(MediaApi.Png(8, 8));
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/png");
        using var form = new MultipartFormDataContent { { file, "file", "dot.png" } };
        var media = await CheckAsync(me, HttpMethod.Post, "api/media", "/media", content: form);
        await CheckAsync(me, HttpMethod.Get, $"api/media/{media.GetProperty("id").GetGuid()}", "/media/{mediaId}");
        Assert.NotEqual(Guid.Empty, upload.GetProperty("mediaId").GetGuid());
    }
}
