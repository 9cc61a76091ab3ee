using System.Buffers.Text;
using System.Net;
using System.Text;
using DistaHilar.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static DistaHilar.Tests.Accounts.AccountsApi;

namespace DistaHilar.Tests.Accounts;

/// <summary>Every route but the anonymous ones needs a genuine, current access token.</summary>
public sealed class AccessTokenTests(TestEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Forgeries() => ["none", "wrong-key", "wrong-audience", "wrong-issuer", "expired", "garbage", "missing", "hs512"];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task A_forged_expired_or_missing_token_is_401_with_a_bearer_challenge(string kind)
    {
        using var client = await ClientAsync(env);
        var account = await RegisterAsync(client);
        var key = Convert.FromBase64String((await env.ServersAsync()).AppSettings["Auth__SigningKeys__0__Secret"]!);
        var token = kind switch
        {
            "none" => Unsigned(account.Id),
            "wrong-key" => Sign(account.Id, new byte[32], "local", "distahilar", "distahilar-clients", TimeSpan.FromMinutes(5)),
            "wrong-audience" => Sign(account.Id, key, "local", "distahilar", "someone-else", TimeSpan.FromMinutes(5)),
            "wrong-issuer" => Sign(account.Id, key, "local", "evil", "distahilar-clients", TimeSpan.FromMinutes(5)),
            "expired" => Sign(account.Id, key, "local", "distahilar", "distahilar-clients", TimeSpan.FromMinutes(-5)),
            "hs512" => Sign(account.Id, [.. key, .. key], "local", "distahilar", "distahilar-clients", TimeSpan.FromMinutes(5), SecurityAlgorithms.HmacSha512),
            "garbage" => "abc.def.ghi",
            _ => null,
        };
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/auth/sessions");
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        await ProblemAsync(response);
    }

    [Fact]
    public async Task A_token_signed_with_the_real_key_works_so_the_forgeries_fail_for_their_flaw()
    {
        using var client = await ClientAsync(env);
        var account = await RegisterAsync(client);
        var key = Convert.FromBase64String((await env.ServersAsync()).AppSettings["Auth__SigningKeys__0__Secret"]!);

        using var response = await client.SendAsync(Authorized(HttpMethod.Get, "api/auth/sessions", Sign(account.Id, key, "local", "distahilar", "distahilar-clients", TimeSpan.FromMinutes(5))), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static string Sign(Guid user, byte[] key, string kid, string issuer, string audience, TimeSpan lifetime, string algorithm = SecurityAlgorithms.HmacSha256)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now.AddMinutes(-10),
            NotBefore = now.AddMinutes(-10),
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key) { KeyId = kid }, algorithm),
            Claims = new Dictionary<string, object> { ["sub"] = user.ToString(), ["sid"] = Guid.NewGuid().ToString() },
        });
    }

    private static string Unsigned(Guid user)
    {
        static string Part(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
        var exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds();
        return $"{Part("""{"alg":"none","typ":"JWT"}""")}.{Part($$"""{"sub":"{{user}}","sid":"{{Guid.NewGuid()}}","iss":"distahilar","aud":"distahilar-clients","exp":{{exp}}}""")}.";
    }
}
