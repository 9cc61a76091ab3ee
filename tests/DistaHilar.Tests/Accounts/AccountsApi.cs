using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DistaHilar.Tests.Infrastructure;

namespace DistaHilar.Tests.Accounts;

public sealed record UserBody(Guid Id, string? Username, string? Email, string? Phone, string Name, string? Surname, string? Bio);

public sealed record AuthBody(UserBody User, string AccessToken, DateTimeOffset AccessTokenExpiresAt, string RefreshToken);

/// <summary>A registered test user: what the test knows about it, including its secrets.</summary>
public sealed record TestAccount(string Username, string Email, string Password, AuthBody Auth)
{
    public Guid Id => Auth.User.Id;
}

/// <summary>Calls the accounts API the way a client does; every response passes through the privacy recorder.</summary>
public static class AccountsApi
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string NewUsername() => "u" + Guid.NewGuid().ToString("N")[..12];

    public static async Task<TestAccount> RegisterAsync(HttpClient client, string? username = null, string? phone = null, string? email = null)
    {
        username ??= NewUsername();
        email ??= $"{username}@example.test";
        var password = "pw-" + Guid.NewGuid().ToString("N");
        using var response = await client.SendAsync(Native(HttpMethod.Post, "api/auth/register", new { username, email, password, name = "Test " + username, phone }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var auth = (await response.Content.ReadFromJsonAsync<AuthBody>(Json, TestContext.Current.CancellationToken))!;
        PrivacyRecorder.Current.Learn(auth.User.Id, password, email, phone, auth.RefreshToken);
        return new TestAccount(username, email, password, auth);
    }

    public static async Task<HttpResponseMessage> LoginAsync(HttpClient client, string login, string password) =>
        await client.SendAsync(Native(HttpMethod.Post, "api/auth/login", new { login, password }), TestContext.Current.CancellationToken);

    public static async Task<AuthBody> LoginOkAsync(HttpClient client, TestAccount account)
    {
        using var response = await LoginAsync(client, account.Username, account.Password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var auth = (await response.Content.ReadFromJsonAsync<AuthBody>(Json, TestContext.Current.CancellationToken))!;
        PrivacyRecorder.Current.Learn(auth.User.Id, account.Password, account.Email, null, auth.RefreshToken);
        return auth;
    }

    public static async Task<HttpResponseMessage> RefreshAsync(HttpClient client, string refreshToken) =>
        await client.SendAsync(Native(HttpMethod.Post, "api/auth/refresh", new { refreshToken }), TestContext.Current.CancellationToken);

    /// <summary>A request as a native client sends it: asking for the refresh token in the body (web clients use the cookie).</summary>
    public static HttpRequestMessage Native(HttpMethod method, string path, object body)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: Json) };
        request.Headers.Add("X-Refresh-Token-In-Body", "true");
        return request;
    }

    public static HttpRequestMessage Authorized(HttpMethod method, string path, string accessToken, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        return request;
    }

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    /// <summary>The shared app, with a client whose responses are checked for leaked secrets.</summary>
    public static async Task<HttpClient> ClientAsync(TestEnvironment env) => Client((await env.AppAsync()).BaseAddress);

    /// <summary>A client of any app whose responses are checked for leaked secrets; cookies are the test's to send.</summary>
    public static HttpClient Client(Uri baseAddress) =>
        new(new PrivacyRecorder.Handler(new SocketsHttpHandler { UseCookies = false })) { BaseAddress = baseAddress };
}
