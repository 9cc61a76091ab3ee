using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DistaHilar.Tests.Accounts;

namespace DistaHilar.Tests.Chats;

/// <summary>One registered user calling the chat routes.</summary>
public sealed class ChatUser(HttpClient http, TestAccount account)
{
    public TestAccount Account { get; } = account;

    public Guid Id => Account.Id;

    public string Token => Account.Auth.AccessToken;

    public static async Task<ChatUser> RegisterAsync(HttpClient http) => new(http, await AccountsApi.RegisterAsync(http));

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var request = AccountsApi.Authorized(method, path, Token, body);
        return await http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Sends and returns status and JSON body (default when there is none).</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> CallAsync(HttpMethod method, string path, object? body = null)
    {
        using var response = await SendAsync(method, path, body);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text));
    }

    public async Task<JsonElement> ExpectAsync(HttpStatusCode expected, HttpMethod method, string path, object? body = null)
    {
        var (status, json) = await CallAsync(method, path, body);
        Assert.True(expected == status, $"{method} {path}: expected {(int)expected}, got {(int)status} {json}");
        return json;
    }

    public async Task<Guid> CreateGroupAsync(string kind = "groups", IEnumerable<ChatUser>? members = null, bool isPublic = false, string? title = null)
    {
        var chat = await ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/chats/{kind}", new
        {
            title = title ?? "Chat " + Guid.NewGuid().ToString("N")[..8],
            memberIds = (members ?? []).Select(m => m.Id).ToArray(),
            isPublic,
        });
        return chat.GetProperty("id").GetGuid();
    }

    public Task<JsonElement> SetRoleAsync(Guid chatId, ChatUser member, string role) =>
        ExpectAsync(HttpStatusCode.OK, HttpMethod.Patch, $"api/chats/{chatId}/members/{member.Id}", new { role });
}
