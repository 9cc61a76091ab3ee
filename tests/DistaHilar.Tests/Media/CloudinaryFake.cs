using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace DistaHilar.Tests.Media;

/// <summary>
/// A local stand-in for exactly the Cloudinary endpoints the app calls, on a free loopback port, with its bytes in
/// memory. It checks requests as Cloudinary documents them, with its own small implementation of the signature (it
/// does not use the app's signer): signed Upload API calls (<c>upload</c>, <c>destroy</c>) and the download URL must
/// carry the right api_key and the SHA-1/SHA-256 of their sorted parameters plus the secret, timestamps may be at
/// most an hour old, <c>expires_at</c> ends a download URL, and the Admin API takes basic auth. It answers with the
/// JSON fields the app reads (<c>public_id</c>, <c>bytes</c>, <c>result</c>, <c>error.message</c>) and 404 for
/// a missing asset. Time comes from the given clock, so tests move it instead of waiting.
/// </summary>
public sealed class CloudinaryFake : IAsyncDisposable
{
    private static readonly HashSet<string> NotSigned = new(StringComparer.Ordinal) { "file", "cloud_name", "resource_type", "api_key", "signature" };

    private readonly WebApplication app;
    private readonly TimeProvider clock;
    private int uploadsWithoutLength;

    private CloudinaryFake(WebApplication app, TimeProvider clock, string cloudName, string apiKey, string apiSecret, bool sha256, Uri baseUrl)
    {
        this.app = app;
        this.clock = clock;
        CloudName = cloudName;
        ApiKey = apiKey;
        ApiSecret = apiSecret;
        Sha256 = sha256;
        BaseUrl = baseUrl;
    }

    public string CloudName { get; }

    public string ApiKey { get; }

    public string ApiSecret { get; }

    public bool Sha256 { get; }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;</c>, what <c>Media__Cloudinary__ApiBaseUrl</c> points at.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Stored assets by <c>resource_type/type/public_id</c>.</summary>
    public ConcurrentDictionary<string, byte[]> Assets { get; } = new(StringComparer.Ordinal);

    /// <summary>Accepted uploads whose request had no Content-Length (streamed in chunks, not buffered first).</summary>
    public int UploadsWithoutLength => Volatile.Read(ref uploadsWithoutLength);

    public static async Task<CloudinaryFake> StartAsync(TimeProvider clock, string apiSecret, bool sha256 = false, CancellationToken ct = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0); // the kernel picks a free port; read back below
            k.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        CloudinaryFake? fake = null;
        app.MapPost("/v1_1/{cloud}/{resourceType}/upload", (HttpContext c) => fake!.UploadAsync(c));
        app.MapPost("/v1_1/{cloud}/{resourceType}/destroy", (HttpContext c) => fake!.DestroyAsync(c));
        app.MapGet("/v1_1/{cloud}/{resourceType}/download", (HttpContext c) => fake!.DownloadAsync(c));
        app.MapGet("/v1_1/{cloud}/resources/{resourceType}/{type}/{publicId}", (HttpContext c) => fake!.ResourceAsync(c));
        await app.StartAsync(ct);
        var port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        fake = new CloudinaryFake(app, clock, "test-cloud", "614335564976464", apiSecret, sha256, new Uri($"http://127.0.0.1:{port}"));
        return fake;
    }

    public static string Address(string resourceType, string type, string publicId) => $"{resourceType}/{type}/{publicId}";

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(CancellationToken.None);
        await app.DisposeAsync();
    }

    /// <summary>The documented algorithm: sorted name=value pairs (empty values left out) joined by &amp;, the secret appended, hex digest.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "Cloudinary's protocol.")]
    public static string ExpectedSignature(IEnumerable<KeyValuePair<string, string>> parameters, string secret, bool sha256)
    {
        var pairs = parameters.Where(p => !NotSigned.Contains(p.Key) && p.Value.Length > 0).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}");
        var bytes = Encoding.UTF8.GetBytes(string.Join("&", pairs) + secret);
        return Convert.ToHexString(sha256 ? SHA256.HashData(bytes) : SHA1.HashData(bytes)).ToLowerInvariant();
    }

    private async Task UploadAsync(HttpContext context)
    {
        var hadLength = context.Request.ContentLength is not null;
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        if (await RefusedAsync(context, fields, requireFreshTimestamp: true))
        {
            return;
        }

        var file = form.Files.GetFile("file");
        if (file is null)
        {
            // Cloudinary reads a "file" string as a remote URL or data URI; the app must always send a file part.
            await ErrorAsync(context, HttpStatusCode.BadRequest, fields.ContainsKey("file") ? "Unsupported source URL" : "Missing required parameter - file");
            return;
        }

        if (!fields.TryGetValue("public_id", out var publicId) || publicId.Length == 0)
        {
            await ErrorAsync(context, HttpStatusCode.BadRequest, "The fake wants a public_id (the app always sends one)");
            return;
        }

        var resourceType = (string)context.Request.RouteValues["resourceType"]!;
        var type = fields.GetValueOrDefault("type", "upload");
        var address = Address(resourceType, type, publicId);
        var overwrite = fields.GetValueOrDefault("overwrite", "true") != "false";
        if (!overwrite && Assets.TryGetValue(address, out var existing))
        {
            await Results.Json(Describe(resourceType, type, publicId, existing.Length, existing: true)).ExecuteAsync(context);
            return;
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, context.RequestAborted);
        Assets[address] = buffer.ToArray();
        if (!hadLength)
        {
            Interlocked.Increment(ref uploadsWithoutLength);
        }

        await Results.Json(Describe(resourceType, type, publicId, buffer.Length, existing: false)).ExecuteAsync(context);
    }

    private async Task DestroyAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        if (await RefusedAsync(context, fields, requireFreshTimestamp: true))
        {
            return;
        }

        var address = Address((string)context.Request.RouteValues["resourceType"]!, fields.GetValueOrDefault("type", "upload"), fields.GetValueOrDefault("public_id", ""));
        await Results.Json(new { result = Assets.TryRemove(address, out _) ? "ok" : "not found" }).ExecuteAsync(context);
    }

    private async Task DownloadAsync(HttpContext context)
    {
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var expiresAt = query.TryGetValue("expires_at", out var e) ? long.Parse(e, CultureInfo.InvariantCulture) : (long?)null;
        if (await RefusedAsync(context, query, requireFreshTimestamp: expiresAt is null))
        {
            return;
        }

        if (expiresAt is { } expiry && clock.GetUtcNow().ToUnixTimeSeconds() >= expiry)
        {
            await ErrorAsync(context, HttpStatusCode.Unauthorized, "Download link has expired");
            return;
        }

        var publicId = query.GetValueOrDefault("public_id", "");
        if (!Assets.TryGetValue(Address((string)context.Request.RouteValues["resourceType"]!, query.GetValueOrDefault("type", "upload"), publicId), out var bytes))
        {
            await ErrorAsync(context, HttpStatusCode.NotFound, $"Resource not found - {publicId}");
            return;
        }

        context.Response.ContentType = "application/octet-stream";
        if (query.GetValueOrDefault("attachment") == "true")
        {
            var name = query.GetValueOrDefault("target_filename") ?? publicId;
            context.Response.Headers.ContentDisposition = "attachment; filename*=UTF-8''" + Uri.EscapeDataString(name);
        }

        context.Response.ContentLength = bytes.Length;
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    /// <summary>Admin API: basic auth with api_key:api_secret.</summary>
    private async Task ResourceAsync(HttpContext context)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ApiKey}:{ApiSecret}"));
        if ((string)context.Request.RouteValues["cloud"]! != CloudName || context.Request.Headers.Authorization != expected)
        {
            await ErrorAsync(context, HttpStatusCode.Unauthorized, "Invalid credentials");
            return;
        }

        var resourceType = (string)context.Request.RouteValues["resourceType"]!;
        var type = (string)context.Request.RouteValues["type"]!;
        var publicId = (string)context.Request.RouteValues["publicId"]!;
        if (!Assets.TryGetValue(Address(resourceType, type, publicId), out var bytes))
        {
            await ErrorAsync(context, HttpStatusCode.NotFound, $"Resource not found - {publicId}");
            return;
        }

        await Results.Json(Describe(resourceType, type, publicId, bytes.Length, existing: false)).ExecuteAsync(context);
    }

    /// <summary>Cloud, api_key, signature and timestamp checks shared by the signed calls; true when it answered a refusal.</summary>
    private async Task<bool> RefusedAsync(HttpContext context, Dictionary<string, string> parameters, bool requireFreshTimestamp)
    {
        if ((string)context.Request.RouteValues["cloud"]! != CloudName)
        {
            await ErrorAsync(context, HttpStatusCode.Unauthorized, "Invalid cloud_name");
            return true;
        }

        if (parameters.GetValueOrDefault("api_key") != ApiKey)
        {
            await ErrorAsync(context, HttpStatusCode.Unauthorized, "Invalid api_key");
            return true;
        }

        if (!parameters.TryGetValue("timestamp", out var t) || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            await ErrorAsync(context, HttpStatusCode.BadRequest, "Missing required parameter - timestamp");
            return true;
        }

        var signature = parameters.GetValueOrDefault("signature", "");
        var expected = ExpectedSignature(parameters, ApiSecret, Sha256);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signature), Encoding.ASCII.GetBytes(expected)))
        {
            await ErrorAsync(context, HttpStatusCode.Unauthorized, $"Invalid Signature {signature}. String to sign - '{string.Join("&", parameters.Where(p => !NotSigned.Contains(p.Key) && p.Value.Length > 0).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))}'.");
            return true;
        }

        if (requireFreshTimestamp && clock.GetUtcNow().ToUnixTimeSeconds() - timestamp > 3600)
        {
            await ErrorAsync(context, HttpStatusCode.BadRequest, $"Stale request - reported time is {timestamp} which is more than 1 hour ago");
            return true;
        }

        return false;
    }

    private static Task ErrorAsync(HttpContext context, HttpStatusCode status, string message) =>
        Results.Json(new { error = new { message } }, statusCode: (int)status).ExecuteAsync(context);

    private Dictionary<string, object> Describe(string resourceType, string type, string publicId, long bytes, bool existing)
    {
        var description = new Dictionary<string, object>
        {
            ["public_id"] = publicId,
            ["resource_type"] = resourceType,
            ["type"] = type,
            ["bytes"] = bytes,
            ["version"] = clock.GetUtcNow().ToUnixTimeSeconds(),
            ["secure_url"] = $"https://res.cloudinary.com/{CloudName}/{resourceType}/{type}/s--fake--/{publicId}",
        };
        if (existing)
        {
            description["existing"] = true;
        }

        return description;
    }
}

/// <summary>A clock tests move by hand.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);
}
