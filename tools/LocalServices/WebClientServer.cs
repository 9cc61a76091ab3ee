using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DistaHilar.LocalServices;

/// <summary>
/// Serves a built single-page app (web/dist) on 127.0.0.1, in process: its files, <c>index.html</c> for any path without
/// a file extension (client-side routes), and a generated <c>/config.json</c> naming the API to call — the file a
/// deployment writes, so one build runs against any stack. index.html and config.json are revalidated on every load (a
/// new build or stack shows on reload); <c>/assets/*</c> are content-hashed by the build, so they are cached for good.
/// </summary>
public sealed class WebClientServer : IAsyncDisposable
{
    private const string NoCache = "no-cache";
    private const string Immutable = "public, max-age=31536000, immutable";

    private readonly WebApplication app;
    private int disposed;

    private WebClientServer(WebApplication app, string root, Uri apiBaseUrl, int port)
    {
        this.app = app;
        Root = root;
        ApiBaseUrl = apiBaseUrl;
        Port = port;
    }

    /// <summary>The folder served (it may be missing: then only /config.json answers, everything else is a 404 saying so).</summary>
    public string Root { get; }

    /// <summary>What /config.json hands the client as <c>apiBaseUrl</c>.</summary>
    public Uri ApiBaseUrl { get; }

    public int Port { get; }

    /// <summary>http://127.0.0.1:&lt;port&gt;/</summary>
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>The client's origin, as a browser sends it in <c>Origin</c> (what CORS elsewhere must allow).</summary>
    public string Origin => OriginFor(Port);

    /// <summary>The origin of a web client on 127.0.0.1:<paramref name="port"/>, known before it starts (CORS names it first).</summary>
    public static string OriginFor(int port) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");

    /// <param name="root">The built app (holding index.html and assets/).</param>
    /// <param name="apiBaseUrl">The absolute API base the client calls, e.g. http://127.0.0.1:7071/api.</param>
    /// <param name="port">Port on 127.0.0.1; 0 picks a free one.</param>
    /// <exception cref="LocalServiceException">The port is taken.</exception>
    public static async Task<WebClientServer> StartAsync(string root, Uri apiBaseUrl, int port = 0, ILogger? log = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(apiBaseUrl);
        log ??= NullLogger.Instance;
        root = Path.GetFullPath(root);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        Configure(app, root, apiBaseUrl);
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new LocalServiceException($"The web client cannot be served on 127.0.0.1:{port}: {e.Message}", e);
        }

        var bound = new Uri(app.Urls.First()).Port;
        if (!Directory.Exists(root))
        {
            log.LogWarning("{Root} does not exist (is the web client built?); only /config.json is served", root);
        }

        log.LogInformation("Web client {Root} served at http://127.0.0.1:{Port}/ (API {Api})", root, bound, apiBaseUrl);
        return new WebClientServer(app, root, apiBaseUrl, bound);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0)
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }

    private static void Configure(WebApplication app, string root, Uri apiBaseUrl)
    {
        // Generated, never from disk: an endpoint wins over a config.json the build may have copied into the folder.
        var config = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["apiBaseUrl"] = apiBaseUrl.ToString().TrimEnd('/') });
        app.MapMethods("/config.json", [HttpMethods.Get, HttpMethods.Head], async context =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.Headers.CacheControl = NoCache;
            context.Response.ContentLength = config.Length;
            if (HttpMethods.IsGet(context.Request.Method))
            {
                await context.Response.Body.WriteAsync(config, context.RequestAborted);
            }
        });

        if (!Directory.Exists(root))
        {
            app.MapFallback(context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return context.Response.WriteAsync($"The web client is not built: {root} does not exist.", context.RequestAborted);
            });
            return;
        }

        var files = new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(root),
            ContentTypeProvider = ContentTypes(),
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = CacheControl(file.Context.Request.Path, file.File.Name),
        };
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files.FileProvider });
        app.UseStaticFiles(files);
        // {*path:nonfile}: /chats/42 is a client route and gets index.html; a missing /logo.png stays a 404.
        app.MapFallbackToFile("index.html", files);
    }

    private static string? CacheControl(PathString path, string fileName) =>
        fileName == "index.html" ? NoCache
        : path.StartsWithSegments("/assets", StringComparison.Ordinal) ? Immutable
        : null;

    private static FileExtensionContentTypeProvider ContentTypes()
    {
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".js"] = "text/javascript";
        types.Mappings[".mjs"] = "text/javascript";
        types.Mappings[".css"] = "text/css";
        types.Mappings[".svg"] = "image/svg+xml";
        types.Mappings[".webmanifest"] = "application/manifest+json";
        types.Mappings[".wasm"] = "application/wasm";
        types.Mappings[".map"] = "application/json";
        return types;
    }
}
