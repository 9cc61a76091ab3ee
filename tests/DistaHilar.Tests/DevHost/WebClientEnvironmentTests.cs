using System.Net;
using System.Text.Json;
using DistaHilar.Tests.Infrastructure;
using static DistaHilar.Tests.Infrastructure.CorsRequests;

namespace DistaHilar.Tests.DevHost;

/// <summary>
/// The browser tests' stack (<see cref="TestEnvironment.WebClientAsync"/>) is wired as ./dev.sh wires it: the web
/// client's /config.json names its app, and the web origin may call the API with credentials and PUT blobs directly.
/// </summary>
public sealed class WebClientEnvironmentTests(TestEnvironment env)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_web_client_points_at_its_app_whose_api_and_storage_allow_the_web_origin()
    {
        var stack = await env.WebClientAsync();
        using var http = new HttpClient();

        using var config = JsonDocument.Parse(await http.GetStringAsync(new Uri(stack.Web, "config.json"), Ct));
        Assert.Equal(new Uri(stack.App.BaseAddress, "api").ToString(), config.RootElement.GetProperty("apiBaseUrl").GetString());
        Assert.Equal(stack.Web.GetLeftPart(UriPartial.Authority), stack.WebOrigin);
        Assert.StartsWith("http://127.0.0.1:", stack.WebOrigin, StringComparison.Ordinal);

        using var login = await http.SendAsync(Preflight(new Uri(stack.App.BaseAddress, "api/auth/login").AbsoluteUri, stack.WebOrigin, "POST", "content-type"), Ct);
        Assert.Equal(HttpStatusCode.NoContent, login.StatusCode);
        Assert.Equal(stack.WebOrigin, Header(login, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(login, "Access-Control-Allow-Credentials"));

        // What a direct upload's PUT to its SAS URL asks first (the headers POST /api/media/uploads names).
        var blob = new Uri($"{stack.Environment.Services.Azurite.BlobEndpoint}/media/cors-check");
        using var upload = await http.SendAsync(Preflight(blob.AbsoluteUri, stack.WebOrigin, "PUT", "content-type,x-ms-blob-type"), Ct);
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        Assert.Equal(stack.WebOrigin, Header(upload, "Access-Control-Allow-Origin"));
        using var elsewhere = await http.SendAsync(Preflight(blob.AbsoluteUri, "http://evil.test", "PUT", "x-ms-blob-type"), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
    }
}
