using System.Net;
using System.Net.Http.Json;
using DistaHilar.Core.Realtime;
using DistaHilar.Tests.Accounts;
using DistaHilar.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DistaHilar.Tests.Realtime;

public sealed class SignalRConnectionStringTests
{
    [Fact]
    public void Parses_keys_case_insensitively_with_port_and_client_endpoint()
    {
        var parsed = SignalRConnectionString.Parse("endpoint=http://127.0.0.1;PORT=8888;accesskey=abc==;Version=1.0;ClientEndpoint=https://clients.example.test");

        Assert.True(parsed.IsSuccess);
        Assert.Equal(new Uri("http://127.0.0.1:8888"), parsed.Value.Endpoint);
        Assert.Equal(new Uri("http://127.0.0.1:8888"), parsed.Value.ServerEndpoint);
        Assert.Equal(new Uri("https://clients.example.test"), parsed.Value.ClientEndpoint);
        Assert.Equal("abc==", parsed.Value.AccessKey);
    }

    [Theory]
    [InlineData("")]
    [InlineData("AccessKey=k")]
    [InlineData("Endpoint=ftp://x;AccessKey=k")]
    [InlineData("Endpoint=https://x.service.signalr.net")]
    [InlineData("Endpoint=https://x;AccessKey=k;Port=99999")]
    [InlineData("Endpoint=https://x;AccessKey")]
    public void Malformed_strings_get_a_clear_error_without_the_secret(string text)
    {
        var parsed = SignalRConnectionString.Parse(text);

        Assert.False(parsed.IsSuccess);
        var message = parsed.Problem.Fields!["SignalR__ConnectionString"][0];
        Assert.StartsWith("The SignalR connection string is not valid", message, StringComparison.Ordinal);
        Assert.DoesNotContain("AccessKey=k", message, StringComparison.Ordinal);
    }
}

public sealed class UpstreamSignatureTests
{
    [Fact]
    public void Any_entry_matching_any_key_is_accepted_case_insensitively()
    {
        var header = UpstreamSignature.For("other-key", "conn-1") + "," + UpstreamSignature.For("key-2", "conn-1").ToUpperInvariant().Replace("SHA256=", "sha256=", StringComparison.Ordinal);

        Assert.True(UpstreamSignature.IsValid(header, "conn-1", ["key-1", "key-2"]));
        Assert.False(UpstreamSignature.IsValid(header, "conn-2", ["key-1", "key-2"]));
        Assert.False(UpstreamSignature.IsValid(UpstreamSignature.For("key-1", "conn-1"), "conn-1", ["key-2"]));
        Assert.False(UpstreamSignature.IsValid(null, "conn-1", ["key-1"]));
        Assert.False(UpstreamSignature.IsValid("sha256=", "conn-1", ["key-1"]));
    }

    [Fact]
    public void The_signature_is_hmac_sha256_of_the_connection_id_in_lower_hex()
    {
        // HMAC-SHA256(key "key", data "The quick brown fox jumps over the lazy dog"), a published test value.
        Assert.Equal("sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8", UpstreamSignature.For("key", "The quick brown fox jumps over the lazy dog"));
    }
}

public sealed class UpstreamMessagesTests
{
    [Fact]
    public void Invocations_are_read_whatever_the_casing_of_their_field_names()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("""{"Type":1,"InvocationId":"7","Target":"typing","Arguments":[{"chatId":"c"}]}""");

        var invocation = UpstreamMessages.Invocation(doc.RootElement);

        Assert.Equal("7", invocation.InvocationId);
        Assert.Equal("typing", invocation.Target);
        Assert.Equal("c", Assert.Single(invocation.Arguments).GetProperty("chatId").GetString());
    }

    [Fact]
    public void Fields_of_the_wrong_type_count_as_absent()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("""{"type":1,"invocationId":7,"target":["typing"],"arguments":{}}""");

        var invocation = UpstreamMessages.Invocation(doc.RootElement);

        Assert.Null(invocation.InvocationId);
        Assert.Equal("", invocation.Target);
        Assert.Empty(invocation.Arguments);
    }

    [Fact]
    public void The_disconnect_error_is_read_from_either_casing()
    {
        Assert.Equal("gone", UpstreamMessages.ConnectionError("""{"Type":11,"Error":"gone"}"""u8));
        Assert.Equal("gone", UpstreamMessages.ConnectionError("""{"type":11,"error":"gone"}"""u8));
        Assert.Null(UpstreamMessages.ConnectionError("""{"type":11}"""u8));
        Assert.Null(UpstreamMessages.ConnectionError("not json"u8));
        Assert.Null(UpstreamMessages.ConnectionError(""u8));
    }

    [Theory]
    [InlineData("chat", true)]
    [InlineData("Chat", true)]
    [InlineData("CHAT", true)]
    [InlineData(null, true)]
    [InlineData("other", false)]
    public void Hub_names_match_case_insensitively(string? header, bool ours) =>
        Assert.Equal(ours, UpstreamMessages.IsOurHub(header, "chat"));
}

public sealed class ServiceTokenTests
{
    [Fact]
    public async Task Client_and_rest_tokens_have_the_audience_user_and_key_the_service_checks()
    {
        var tokens = new AccessKeyTokens("my-access-key-of-32-characters!!", TimeProvider.System);
        var clientUrl = new Uri("http://127.0.0.1:8888/client/?hub=chat");
        var restUrl = new Uri("http://127.0.0.1:8888/api/hubs/chat/users/u1/:send?api-version=2022-11-01");

        var client = await tokens.ForClientAsync(clientUrl, "user-1", new Dictionary<string, string> { ["sid"] = "s-1" }, DateTimeOffset.UtcNow.AddMinutes(30), TestContext.Current.CancellationToken);
        var rest = await tokens.ForRestAsync(restUrl, TestContext.Current.CancellationToken);

        var key = new SymmetricSecurityKey("my-access-key-of-32-characters!!"u8.ToArray());
        var clientCheck = await new JsonWebTokenHandler().ValidateTokenAsync(client, new TokenValidationParameters { ValidateIssuer = false, ValidAudience = clientUrl.ToString(), IssuerSigningKey = key });
        var restCheck = await new JsonWebTokenHandler().ValidateTokenAsync(rest, new TokenValidationParameters { ValidateIssuer = false, ValidAudience = "http://127.0.0.1:8888/api/hubs/chat/users/u1/:send", IssuerSigningKey = key });
        Assert.True(clientCheck.IsValid, clientCheck.Exception?.Message);
        Assert.True(restCheck.IsValid, restCheck.Exception?.Message);
        Assert.Equal("user-1", clientCheck.Claims["nameid"]);
        Assert.Equal("s-1", clientCheck.Claims["sid"]);
        Assert.Same(rest, await tokens.ForRestAsync(restUrl, TestContext.Current.CancellationToken));
    }
}

/// <summary>Without a configured service the realtime routes refuse clearly: 503 for negotiate, 401 for the upstream.</summary>
public sealed class RealtimeNotConfiguredTests(TestEnvironment env)
{
    [Fact]
    public async Task Negotiate_is_503_and_health_reports_signalr_not_configured()
    {
        using var client = await AccountsApi.ClientAsync(env);
        var account = await AccountsApi.RegisterAsync(client);

        using var response = await client.SendAsync(AccountsApi.Authorized(HttpMethod.Post, "api/negotiate", account.Auth.AccessToken), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
    }

    [Fact]
    public async Task The_upstream_refuses_unsigned_calls()
    {
        using var client = TestEnvironment.Client(await env.AppAsync());
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/signalr/connections/connected") { Content = JsonContent.Create(new { type = 10 }) };
        request.Headers.Add("X-ASRS-Connection-Id", "c1");
        request.Headers.Add("X-ASRS-Signature", UpstreamSignature.For("guessed-key", "c1"));

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
