using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using DistaHilar.Tests.Infrastructure;

namespace DistaHilar.Tests.DevHost;

public sealed class DevHostHttpTests(TestEnvironment env)
{
    private sealed record Echo(string Id, string? Kind, string Method, Dictionary<string, string> Query, string Body, string ClientIp, string InvocationId);

    [Fact]
    public async Task Route_values_query_strings_and_body_reach_the_function()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = TestEnvironment.Client(await env.SampleAppAsync());

        var get = await client.GetFromJsonAsync<Echo>("sample/echo/chat-42/photos?limit=5&q=a%20b", ct);
        using var post = await client.PostAsync("sample/echo/7", new StringContent("payload"), ct);
        var posted = await post.Content.ReadFromJsonAsync<Echo>(ct);

        Assert.NotNull(get);
        Assert.Equal(("chat-42", "photos", "GET"), (get.Id, get.Kind, get.Method));
        Assert.Equal(new Dictionary<string, string> { ["limit"] = "5", ["q"] = "a b" }, get.Query);
        Assert.NotNull(posted);
        Assert.Equal(("7", null, "POST", "payload"), (posted.Id, posted.Kind, posted.Method, posted.Body));
    }

    [Theory]
    [InlineData("GET", "sample/nothing-here")]
    [InlineData("GET", "api/echo/1")]
    [InlineData("GET", "sample/echo/1/2")] // {kind:alpha?} refuses digits
    public async Task Unknown_routes_are_404(string method, string path)
    {
        using var client = TestEnvironment.Client(await env.SampleAppAsync());

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Two_hundred_parallel_requests_each_get_their_own_response()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = TestEnvironment.Client(await env.SampleAppAsync());

        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            using var response = await client.PostAsync($"sample/echo/{i}?n={i}", new StringContent($"body-{i}"), ct);
            response.EnsureSuccessStatusCode();
            return (Sent: i, Echo: (await response.Content.ReadFromJsonAsync<Echo>(ct))!);
        }));

        Assert.All(answers, a =>
        {
            Assert.Equal(a.Sent.ToString(System.Globalization.CultureInfo.InvariantCulture), a.Echo.Id);
            Assert.Equal(a.Sent.ToString(System.Globalization.CultureInfo.InvariantCulture), a.Echo.Query["n"]);
            Assert.Equal($"body-{a.Sent}", a.Echo.Body);
        });
        Assert.Equal(200, answers.Select(a => a.Echo.InvocationId).Distinct().Count());
    }

    [Fact]
    public async Task The_function_sees_the_callers_address_not_the_proxys_nor_a_spoofed_header()
    {
        var ct = TestContext.Current.CancellationToken;
        var host = await env.SampleAppAsync();
        using var handler = new SocketsHttpHandler
        {
            // Connect from 127.0.0.2 so the caller's address differs from the DevHost's own.
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
                await socket.ConnectAsync(context.DnsEndPoint, token);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var client = new HttpClient(handler) { BaseAddress = host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "sample/echo/ip");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");

        using var response = await client.SendAsync(request, ct);
        var echo = await response.Content.ReadFromJsonAsync<Echo>(ct);

        Assert.Equal("127.0.0.2", echo!.ClientIp);
    }
}
