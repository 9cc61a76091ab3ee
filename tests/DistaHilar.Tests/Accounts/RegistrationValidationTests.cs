using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DistaHilar.Tests.Infrastructure;
using static DistaHilar.Tests.Accounts.AccountsApi;

namespace DistaHilar.Tests.Accounts;

public sealed class RegistrationValidationTests(TestEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Each row breaks one field of an otherwise valid registration.</summary>
    public static TheoryData<string, string?> BadFields() => new()
    {
        { "username", null },
        { "username", "ab" },
        { "username", new string('a', 33) },
        { "username", "has space" },
        { "username", "dash-ed" },
        { "username", "ünï" },
        { "email", null },
        { "email", "no-at-sign" },
        { "email", "a@b" },
        { "email", new string('e', 250) + "@x.io" },
        { "password", null },
        { "password", "short" },
        { "password", new string('p', 129) },
        { "name", null },
        { "name", "   " },
        { "name", new string('n', 65) },
        { "name", "bell\u0007" },
        { "surname", new string('s', 65) },
        { "phone", "12345" },
        { "phone", "+0123456789" },
        { "phone", "+1234567890123456" },
        { "bio", new string('b', 257) },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task A_bad_field_is_a_400_naming_it_and_nothing_is_written(string field, string? value)
    {
        using var client = await ClientAsync(env);
        var username = NewUsername();
        var body = new Dictionary<string, object?>
        {
            ["username"] = username,
            ["email"] = $"{username}@example.test",
            ["password"] = "a fine password",
            ["name"] = "Valid",
        };
        body[field] = value;

        using var response = await client.PostAsJsonAsync("api/auth/register", body, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"errors names {field}: {errors}");
        Assert.Single(errors.EnumerateObject());

        // Nothing was written: the same username and email still register.
        using var retry = await client.PostAsJsonAsync("api/auth/register", new { username, email = $"{username}@example.test", password = "a fine password", name = "Valid" }, Ct);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
    }

    [Fact]
    public async Task Several_bad_fields_are_all_reported()
    {
        using var client = await ClientAsync(env);

        using var response = await client.PostAsJsonAsync("api/auth/register", new { username = "x", email = "y", password = "z" }, Ct);

        var errors = (await ProblemAsync(response)).GetProperty("errors");
        Assert.Equal(["email", "name", "password", "username"], errors.EnumerateObject().Select(e => e.Name).Order());
    }

    [Theory]
    [InlineData("application/json", "{not json", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "[1,2]", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "{\"username\": 42}", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "null", HttpStatusCode.BadRequest)]
    [InlineData("text/plain", "{}", HttpStatusCode.UnsupportedMediaType)]
    public async Task Malformed_bodies_get_a_problem_not_a_500(string contentType, string body, HttpStatusCode expected)
    {
        using var client = await ClientAsync(env);

        using var response = await client.PostAsync("api/auth/register", new StringContent(body, Encoding.UTF8, contentType), Ct);

        Assert.Equal(expected, response.StatusCode);
        await ProblemAsync(response);
    }

    [Fact]
    public async Task An_oversized_body_is_413()
    {
        using var client = await ClientAsync(env);
        var huge = JsonSerializer.Serialize(new { username = "big", bio = new string('x', 100_000) });

        using var response = await client.PostAsync("api/auth/register", new StringContent(huge, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Taken_username_email_and_phone_are_409_case_insensitively()
    {
        using var client = await ClientAsync(env);
        var phone = "+7" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var taken = await RegisterAsync(client, phone: phone);
        var fresh = NewUsername();

        async Task<(HttpStatusCode, string)> Try(string username, string email, string? phone2)
        {
            using var response = await client.PostAsJsonAsync("api/auth/register", new { username, email, password = "a fine password", name = "Dup", phone = phone2 }, Ct);
            var field = response.StatusCode == HttpStatusCode.Conflict ? (await ProblemAsync(response)).GetProperty("errors").EnumerateObject().Single().Name : "";
            return (response.StatusCode, field);
        }

        Assert.Equal((HttpStatusCode.Conflict, "username"), await Try(taken.Username.ToUpperInvariant(), $"{fresh}@example.test", null));
        Assert.Equal((HttpStatusCode.Conflict, "email"), await Try(fresh, taken.Email.ToUpperInvariant(), null));
        Assert.Equal((HttpStatusCode.Conflict, "phone"), await Try(fresh, $"{fresh}@example.test", phone));
    }
}
