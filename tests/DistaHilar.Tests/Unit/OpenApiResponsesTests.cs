using System.Net;
using System.Text.Json;
using DistaHilar.Tests.Infrastructure;
using Xunit.Sdk;

namespace DistaHilar.Tests.Unit;

/// <summary>The response checker itself: it must refuse what the schemas refuse, through $refs into components.</summary>
public sealed class OpenApiResponsesTests
{
    private const string Turn = """{"urls":["turn:127.0.0.1:3478"],"username":"1:abc","credential":"x"}""";

    [Fact]
    public void A_body_as_documented_passes()
    {
        OpenApiResponses.AssertMatches("get", "/calls/ice-servers", HttpStatusCode.OK, "application/json", JsonElement.Parse($$"""{"iceServers":[{{Turn}}],"servers":[{{Turn}}],"expiresAt":"2026-01-01T00:00:00Z"}"""));
        OpenApiResponses.AssertMatches("get", "/chats/{chatId}/messages", HttpStatusCode.OK, "application/json", JsonElement.Parse("""{"items":[],"nextCursor":null}"""));
    }

    [Theory]
    [InlineData("get", "/calls/ice-servers", 200, """{"servers":[],"expiresAt":null}""")] // iceServers missing
    [InlineData("get", "/calls/ice-servers", 200, """{"iceServers":[{"urls":[]}],"servers":[],"expiresAt":null}""")] // an IceServer (a $ref) broken
    [InlineData("get", "/chats/{chatId}/messages", 200, """{"items":[]}""")] // nextCursor missing
    [InlineData("get", "/chats/{chatId}/messages", 200, """{"items":[{"id":1}],"nextCursor":null}""")] // a MessageView two $refs deep
    [InlineData("get", "/health", 200, """{"status":"healthy","checks":{"database":"sideways","storage":"up","signalr":"up"}}""")]
    [InlineData("get", "/chats/{chatId}/messages", 404, """{"title":"x"}""")] // a problem without its status
    public void A_body_that_breaks_the_schema_fails(string method, string path, int status, string body) =>
        Assert.ThrowsAny<XunitException>(() => OpenApiResponses.AssertMatches(method, path, (HttpStatusCode)status, status >= 400 ? "application/problem+json" : "application/json", JsonElement.Parse(body)));

    [Fact]
    public void An_undocumented_status_or_media_type_fails()
    {
        Assert.ThrowsAny<XunitException>(() => OpenApiResponses.AssertMatches("get", "/calls/ice-servers", HttpStatusCode.Conflict, "application/problem+json", JsonElement.Parse("{}")));
        Assert.ThrowsAny<XunitException>(() => OpenApiResponses.AssertMatches("get", "/health", HttpStatusCode.OK, "text/plain", default));
    }
}
