using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using DistaHilar.Functions.Http;
using DistaHilar.Tests.Infrastructure;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Tests.Accounts;

/// <summary>Authentication is on by default: every HTTP function outside the explicit anonymous list refuses a call without a token.</summary>
public sealed class AuthenticationCoverageTests(TestEnvironment env)
{
    public static TheoryData<string, string> ProtectedRoutes()
    {
        var data = new TheoryData<string, string>();
        foreach (var method in typeof(AuthenticationMiddleware).Assembly.GetTypes().SelectMany(t => t.GetMethods()))
        {
            var name = method.GetCustomAttribute<FunctionAttribute>()?.Name;
            var trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null);
            if (name is null || trigger is null || AnonymousFunctions.Names.Contains(name))
            {
                continue;
            }

            // Every route parameter gets a value it accepts (ids a GUID), so the request reaches the authentication check.
            var route = Regex.Replace(trigger.Route!, @"\{(\w+)(:[^}]*)?\}", m => m.Groups[1].Value.EndsWith("Id", StringComparison.Ordinal) ? Guid.NewGuid().ToString() : "x" + m.Groups[1].Value);
            data.Add(trigger.Methods![0].ToUpperInvariant(), "api/" + route);
        }

        return data;
    }

    [Fact]
    public void The_anonymous_list_is_exactly_the_documented_one() =>
        Assert.Equal(["GetAvatar", "Health", "Login", "Refresh", "Register", "SignalRUpstream"], AnonymousFunctions.Names.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task Without_a_token_every_other_route_is_401(string method, string path)
    {
        using var client = TestEnvironment.Client(await env.AppAsync());

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public void The_privacy_recorder_catches_a_leak()
    {
        var recorder = new PrivacyRecorder();
        var owner = Guid.NewGuid();
        recorder.Learn(owner, "hunter2-secret", "owner@example.test", "+15550001111", "tok-123");

        recorder.Check("""{"email":"owner@example.test"}""", owner);
        Assert.Throws<InvalidOperationException>(() => recorder.Check("""{"email":"owner@example.test"}""", Guid.NewGuid()));
        Assert.Throws<InvalidOperationException>(() => recorder.Check("""{"x":"hunter2-secret"}""", owner));
        Assert.Throws<InvalidOperationException>(() => recorder.Check("""{"h":"$argon2id$v=19$..."}""", owner));
        Assert.Throws<InvalidOperationException>(() => recorder.Check("""{"refreshToken":"tok-123"}""", owner));
    }
}
