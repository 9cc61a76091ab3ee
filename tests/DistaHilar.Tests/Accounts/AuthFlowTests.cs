using System.Net;
using System.Net.Http.Json;
using DistaHilar.Tests.Infrastructure;
using static DistaHilar.Tests.Accounts.AccountsApi;

namespace DistaHilar.Tests.Accounts;

public sealed class AuthFlowTests(TestEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Register_returns_the_profile_tokens_and_a_locked_down_refresh_cookie()
    {
        using var client = await ClientAsync(env);
        var username = NewUsername();

        using var response = await client.SendAsync(Native(HttpMethod.Post, "api/auth/register", new { username = username.ToUpperInvariant(), email = $"{username}@Example.Test", password = "long enough password", name = " Ada ", bio = "hi" }), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<AuthBody>(Json, Ct))!;
        Assert.Equal((username, $"{username}@Example.Test", "Ada", "hi"), (body.User.Username, body.User.Email, body.User.Name, body.User.Bio));
        Assert.True(body.AccessTokenExpiresAt > DateTimeOffset.UtcNow.AddMinutes(10));
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith($"refreshToken={body.RefreshToken};", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/api/auth", cookie, StringComparison.OrdinalIgnoreCase);
        PrivacyRecorder.Current.LearnRefreshToken(body.RefreshToken);
    }

    [Fact]
    public async Task Login_works_with_username_or_email_in_any_case()
    {
        using var client = await ClientAsync(env);
        var account = await RegisterAsync(client);

        using var byName = await LoginAsync(client, account.Username.ToUpperInvariant(), account.Password);
        using var byEmail = await LoginAsync(client, account.Email.ToUpperInvariant(), account.Password);

        Assert.Equal(HttpStatusCode.OK, byName.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byEmail.StatusCode);
        Assert.Equal(account.Id, (await byEmail.Content.ReadFromJsonAsync<AuthBody>(Json, Ct))!.User.Id);
    }

    [Fact]
    public async Task Unknown_login_and_wrong_password_get_the_same_401()
    {
        using var client = await ClientAsync(env);
        var account = await RegisterAsync(client);

        using var wrongPassword = await LoginAsync(client, account.Username, account.Password + "x");
        using var unknownLogin = await LoginAsync(client, NewUsername(), account.Password);

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownLogin.StatusCode);
        Assert.Equal(await wrongPassword.Content.ReadAsStringAsync(Ct), await unknownLogin.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Refresh_rotates_and_reusing_an_old_token_revokes_the_whole_session()
    {
        using var client = await ClientAsync(env);
        var account = await RegisterAsync(client);

        using var first = await RefreshAsync(client, account.Auth.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var rotated = (await first.Content.ReadFromJsonAsync<AuthBody>(Json, Ct))!;
        PrivacyRecorder.Current.LearnRefreshToken(rotated.RefreshToken);
        Assert.NotEqual(account.Auth.RefreshToken, rotated.RefreshToken);

        using var replay = await RefreshAsync(client, account.Auth.RefreshToken);
        using var afterReplay = await RefreshAsync(client, rotated.RefreshToken);

        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterReplay.StatusCode);
        Assert.Equal("Bearer", afterReplay.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Refresh_accepts_the_cookie()
    {
        using var client = await ClientAsync(env);
        var account = await RegisterAsync(client);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/auth/refresh");
        request.Headers.Add("Cookie", $"refreshToken={account.Auth.RefreshToken}");

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // A browser's refresh: the new token is in the cookie only.
        Assert.Null((await response.Content.ReadFromJsonAsync<AuthBody>(Json, Ct))!.RefreshToken);
        PrivacyRecorder.Current.LearnRefreshToken(RefreshCookie(response));
    }

    [Fact]
    public async Task A_web_client_gets_the_refresh_token_only_in_the_http_only_cookie()
    {
        using var client = await ClientAsync(env);
        var username = NewUsername();
        var password = "long enough password";

        using var registered = await client.PostAsJsonAsync("api/auth/register", new { username, email = $"{username}@example.test", password, name = "Web" }, Ct);
        using var login = await client.PostAsJsonAsync("api/auth/login", new { login = username, password }, Ct);

        foreach (var response in new[] { registered, login })
        {
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}");
            var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(Ct);
            Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("refreshToken").ValueKind);
            Assert.NotEmpty(body.GetProperty("accessToken").GetString()!);
            var token = RefreshCookie(response);
            PrivacyRecorder.Current.LearnRefreshToken(token);
            Assert.DoesNotContain(token, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
    }

    private static string RefreshCookie(HttpResponseMessage response) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("refreshToken=", StringComparison.Ordinal)).Split(';')[0]["refreshToken=".Length..];

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Refresh_with_a_bad_token_is_401(string token)
    {
        using var client = await ClientAsync(env);

        using var response = await RefreshAsync(client, token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Logout_ends_the_session_for_refresh()
    {
        using var client = await ClientAsync(env);
        var account = await RegisterAsync(client);

        using var logout = await client.SendAsync(Authorized(HttpMethod.Post, "api/auth/logout", account.Auth.AccessToken), Ct);
        using var refresh = await RefreshAsync(client, account.Auth.RefreshToken);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Contains(logout.Headers.GetValues("Set-Cookie"), c => c.StartsWith("refreshToken=;", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
    }

    [Fact]
    public async Task Sessions_are_listed_and_revoked_one_by_one_or_all_others()
    {
        using var client = await ClientAsync(env);
        var account = await RegisterAsync(client);
        var second = await LoginOkAsync(client, account);
        var third = await LoginOkAsync(client, account);
        var stranger = await RegisterAsync(client);

        var listed = await client.SendAsync(Authorized(HttpMethod.Get, "api/auth/sessions", account.Auth.AccessToken), Ct);
        var sessions = (await listed.Content.ReadFromJsonAsync<SessionList>(Json, Ct))!.Items;
        Assert.Equal(3, sessions.Count);
        Assert.Single(sessions, s => s.Current);
        var secondId = sessions.Where(s => !s.Current).OrderBy(s => s.CreatedAt).First().Id;

        using var foreign = await client.SendAsync(Authorized(HttpMethod.Delete, $"api/auth/sessions/{secondId}", stranger.Auth.AccessToken), Ct);
        using var own = await client.SendAsync(Authorized(HttpMethod.Delete, $"api/auth/sessions/{secondId}", account.Auth.AccessToken), Ct);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, own.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RefreshAsync(client, second.RefreshToken)).StatusCode);

        using var others = await client.SendAsync(Authorized(HttpMethod.Delete, "api/auth/sessions", account.Auth.AccessToken), Ct);
        Assert.Equal(HttpStatusCode.NoContent, others.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RefreshAsync(client, third.RefreshToken)).StatusCode);
        var left = (await (await client.SendAsync(Authorized(HttpMethod.Get, "api/auth/sessions", account.Auth.AccessToken), Ct)).Content.ReadFromJsonAsync<SessionList>(Json, Ct))!.Items;
        Assert.True(Assert.Single(left).Current);
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_username_give_exactly_one_201()
    {
        using var client = await ClientAsync(env);
        var username = NewUsername();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            using var response = await client.PostAsJsonAsync("api/auth/register", new { username, email = $"{username}.{i}@example.test", password = $"password-{i}-{username}", name = "Racer" }, Ct);
            return response.StatusCode;
        }));

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.All(statuses.Where(s => s != HttpStatusCode.Created), s => Assert.Equal(HttpStatusCode.Conflict, s));
    }

    private sealed record SessionRow(Guid Id, string Device, string? Ip, DateTimeOffset CreatedAt, DateTimeOffset LastUsedAt, bool Current);

    private sealed record SessionList(List<SessionRow> Items);
}
