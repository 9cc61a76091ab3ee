using System.Net;
using System.Text.Json;
using DistaHilar.LocalServices;

namespace DistaHilar.Tests.Unit;

/// <summary>
/// The local web client server: a built SPA's files with their types, index.html for client-side routes, a generated
/// /config.json, and caching that suits a content-hashed build (entry points revalidated, assets immutable).
/// </summary>
public sealed class WebClientServerTests : IAsyncLifetime
{
    private static readonly Uri Api = new("http://127.0.0.1:7071/api");
    private readonly string root = Directory.CreateTempSubdirectory("distahilar-web-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(root, "assets"));
        File.WriteAllText(Path.Combine(root, "index.html"), "<!doctype html><title>client</title>");
        File.WriteAllText(Path.Combine(root, "assets", "index-3f2a1b.js"), "console.log(1)");
        File.WriteAllText(Path.Combine(root, "assets", "index-3f2a1b.css"), "body{}");
        File.WriteAllText(Path.Combine(root, "assets", "codec-9c.wasm"), "\0asm");
        File.WriteAllText(Path.Combine(root, "favicon.svg"), "<svg/>");
        File.WriteAllText(Path.Combine(root, "manifest.webmanifest"), "{}");
        File.WriteAllText(Path.Combine(root, "config.json"), """{"apiBaseUrl":"/from-disk"}""");
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(root, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Files_routes_and_config_are_served_with_their_types_and_caching()
    {
        await using var server = await WebClientServer.StartAsync(root, Api, ct: Ct);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        Assert.Equal($"http://127.0.0.1:{server.Port}", server.Origin);
        foreach (var path in new[] { "/", "/index.html", "/chats/42", "/settings/profile" })
        {
            using var page = await client.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("<!doctype html><title>client</title>", await page.Content.ReadAsStringAsync(Ct));
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.True(page.Headers.CacheControl?.NoCache, path);
        }

        foreach (var (path, type) in new[]
                 {
                     ("/assets/index-3f2a1b.js", "text/javascript"), ("/assets/index-3f2a1b.css", "text/css"),
                     ("/assets/codec-9c.wasm", "application/wasm"),
                 })
        {
            using var asset = await client.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Equal(type, asset.Content.Headers.ContentType?.MediaType);
            Assert.Equal("public, max-age=31536000, immutable", asset.Headers.CacheControl?.ToString());
        }

        using var icon = await client.GetAsync("/favicon.svg", Ct);
        using var manifest = await client.GetAsync("/manifest.webmanifest", Ct);
        Assert.Equal("image/svg+xml", icon.Content.Headers.ContentType?.MediaType);
        Assert.Equal("application/manifest+json", manifest.Content.Headers.ContentType?.MediaType);

        // A missing file keeps its 404: only extension-less paths are client routes.
        using var missing = await client.GetAsync("/logo.png", Ct);
        using var missingAsset = await client.GetAsync("/assets/gone-1.js", Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missingAsset.StatusCode);

        // Generated, not the file on disk.
        using var config = await client.GetAsync("/config.json", Ct);
        Assert.Equal("application/json", config.Content.Headers.ContentType?.MediaType);
        Assert.True(config.Headers.CacheControl?.NoCache);
        using var json = JsonDocument.Parse(await config.Content.ReadAsStringAsync(Ct));
        Assert.Equal("http://127.0.0.1:7071/api", json.RootElement.GetProperty("apiBaseUrl").GetString());
    }

    [Fact]
    public async Task Without_a_build_only_config_json_answers_and_pages_say_why()
    {
        var missing = Path.Combine(root, "not-built");
        await using var server = await WebClientServer.StartAsync(missing, new Uri("http://127.0.0.1:9/api/"), ct: Ct);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        var config = await client.GetStringAsync("/config.json", Ct);
        using var page = await client.GetAsync("/", Ct);

        Assert.Equal("""{"apiBaseUrl":"http://127.0.0.1:9/api"}""", config);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Contains("not built", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_taken_port_is_a_clear_error()
    {
        await using var first = await WebClientServer.StartAsync(root, Api, ct: Ct);

        var error = await Assert.ThrowsAsync<LocalServiceException>(() => WebClientServer.StartAsync(root, Api, first.Port, ct: Ct));

        Assert.Contains($"127.0.0.1:{first.Port}", error.Message, StringComparison.Ordinal);
    }
}
