using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DistaHilar.Tests.Infrastructure;
using static DistaHilar.Tests.Accounts.AccountsApi;

namespace DistaHilar.Tests.Accounts;

public sealed class ProfileTests(TestEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Me_shows_my_email_and_phone_but_my_public_profile_does_not()
    {
        using var client = await ClientAsync(env);
        var phone = "+4" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var me = await RegisterAsync(client, phone: phone);
        var other = await RegisterAsync(client);

        var mine = await (await client.SendAsync(Authorized(HttpMethod.Get, "api/users/me", me.Auth.AccessToken), Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var publicView = await client.SendAsync(Authorized(HttpMethod.Get, $"api/users/{me.Id}", other.Auth.AccessToken), Ct);
        var theirs = await publicView.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal((me.Email, phone), (mine.GetProperty("email").GetString(), mine.GetProperty("phone").GetString()));
        Assert.Equal(HttpStatusCode.OK, publicView.StatusCode);
        Assert.Equal(me.Username, theirs.GetProperty("username").GetString());
        Assert.False(theirs.TryGetProperty("email", out _));
        Assert.False(theirs.TryGetProperty("phone", out _));
    }

    [Fact]
    public async Task Patch_changes_only_the_given_fields_and_null_clears()
    {
        using var client = await ClientAsync(env);
        var me = await RegisterAsync(client);
        var renamed = NewUsername();

        using var first = await client.SendAsync(Authorized(HttpMethod.Patch, "api/users/me", me.Auth.AccessToken, new { bio = "about me", surname = "Lovelace" }), Ct);
        using var second = await client.SendAsync(Authorized(HttpMethod.Patch, "api/users/me", me.Auth.AccessToken, new Dictionary<string, object?> { ["bio"] = null, ["username"] = renamed.ToUpperInvariant() }), Ct);
        var profile = (await second.Content.ReadFromJsonAsync<UserBody>(Json, Ct))!;

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((renamed, "Lovelace", (string?)null, me.Email), (profile.Username, profile.Surname, profile.Bio, profile.Email));
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, renamed, me.Password)).StatusCode);
    }

    [Theory]
    [InlineData("""{"password":"sneaky-new-password"}""", "password")]
    [InlineData("""{"isAdmin":true}""", "isAdmin")]
    [InlineData("""{"name":null}""", "name")]
    [InlineData("""{"name":42}""", "name")]
    [InlineData("""{"email":"nope"}""", "email")]
    [InlineData("""{"username":"a"}""", "username")]
    public async Task Bad_patches_are_400_and_change_nothing(string json, string field)
    {
        using var client = await ClientAsync(env);
        var me = await RegisterAsync(client);
        using var request = Authorized(HttpMethod.Patch, "api/users/me", me.Auth.AccessToken);
        request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        using var response = await client.SendAsync(request, Ct);
        var after = (await (await client.SendAsync(Authorized(HttpMethod.Get, "api/users/me", me.Auth.AccessToken), Ct)).Content.ReadFromJsonAsync<UserBody>(Json, Ct))!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ProblemAsync(response)).GetProperty("errors").TryGetProperty(field, out _));
        Assert.Equal(me.Auth.User with { }, after with { });
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, me.Username, me.Password)).StatusCode);
    }

    [Fact]
    public async Task Taking_someone_elses_username_or_email_is_409()
    {
        using var client = await ClientAsync(env);
        var me = await RegisterAsync(client);
        var other = await RegisterAsync(client);

        using var name = await client.SendAsync(Authorized(HttpMethod.Patch, "api/users/me", me.Auth.AccessToken, new { username = other.Username }), Ct);
        using var email = await client.SendAsync(Authorized(HttpMethod.Patch, "api/users/me", me.Auth.AccessToken, new { email = other.Email.ToUpperInvariant() }), Ct);
        using var mine = await client.SendAsync(Authorized(HttpMethod.Patch, "api/users/me", me.Auth.AccessToken, new { username = me.Username, email = me.Email }), Ct);

        Assert.Equal(HttpStatusCode.Conflict, name.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, email.StatusCode);
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
    }

    [Fact]
    public async Task Settings_round_trip_and_refuse_unknown_values()
    {
        using var client = await ClientAsync(env);
        var me = await RegisterAsync(client);

        var defaults = await (await client.SendAsync(Authorized(HttpMethod.Get, "api/users/me/settings", me.Auth.AccessToken), Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);
        using var changed = await client.SendAsync(Authorized(HttpMethod.Patch, "api/users/me/settings", me.Auth.AccessToken, new { language = "che", lastSeenVisibility = "nobody" }), Ct);
        using var bad = await client.SendAsync(Authorized(HttpMethod.Patch, "api/users/me/settings", me.Auth.AccessToken, new { language = "xx", lastSeenVisibility = "friends" }), Ct);
        var now = await changed.Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal("""{"notifications":true,"language":"en","lastSeenVisibility":"everybody"}""", defaults.GetRawText());
        Assert.Equal("""{"notifications":true,"language":"che","lastSeenVisibility":"nobody"}""", now.GetRawText());
        Assert.Equal(["language", "lastSeenVisibility"], (await ProblemAsync(bad)).GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
    }

    [Fact]
    public async Task Changing_the_password_signs_out_other_devices_and_needs_the_current_one()
    {
        using var client = await ClientAsync(env);
        var me = await RegisterAsync(client);
        var otherDevice = await LoginOkAsync(client, me);

        using var wrong = await client.SendAsync(Authorized(HttpMethod.Put, "api/users/me/password", me.Auth.AccessToken, new { currentPassword = "not it at all", newPassword = "brand new password" }), Ct);
        using var changed = await client.SendAsync(Authorized(HttpMethod.Put, "api/users/me/password", me.Auth.AccessToken, new { currentPassword = me.Password, newPassword = "brand new password 2" }), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RefreshAsync(client, otherDevice.RefreshToken)).StatusCode);
        var current = await RefreshAsync(client, me.Auth.RefreshToken);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
        PrivacyRecorder.Current.LearnRefreshToken((await current.Content.ReadFromJsonAsync<AuthBody>(Json, Ct))!.RefreshToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(client, me.Username, me.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, me.Username, "brand new password 2")).StatusCode);
    }

    [Fact]
    public async Task Deleting_the_account_removes_personal_data_ends_sessions_and_frees_the_username()
    {
        using var client = await ClientAsync(env);
        var me = await RegisterAsync(client);
        var other = await RegisterAsync(client);

        using var noPassword = await client.SendAsync(Authorized(HttpMethod.Delete, "api/users/me", me.Auth.AccessToken, new { password = "wrong password!" }), Ct);
        using var deleted = await client.SendAsync(Authorized(HttpMethod.Delete, "api/users/me", me.Auth.AccessToken, new { password = me.Password }), Ct);
        var seen = await (await client.SendAsync(Authorized(HttpMethod.Get, $"api/users/{me.Id}", other.Auth.AccessToken), Ct)).Content.ReadFromJsonAsync<JsonElement>(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, noPassword.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal("Deleted account", seen.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, seen.GetProperty("username").ValueKind);
        Assert.Equal("deleted", seen.GetProperty("presence").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await RefreshAsync(client, me.Auth.RefreshToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(client, me.Username, me.Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Authorized(HttpMethod.Get, "api/users/me", me.Auth.AccessToken), Ct)).StatusCode);
        await RegisterAsync(client, username: me.Username, email: NewUsername() + "@example.test");
    }

    [Fact]
    public async Task Unknown_users_are_404()
    {
        using var client = await ClientAsync(env);
        var me = await RegisterAsync(client);

        using var response = await client.SendAsync(Authorized(HttpMethod.Get, $"api/users/{Guid.NewGuid()}", me.Auth.AccessToken), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
