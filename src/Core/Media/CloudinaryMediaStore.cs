using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace DistaHilar.Core.Media;

/// <summary>
/// Media bytes in Cloudinary, through its REST APIs written by hand (the SDK is not available here):
/// <list type="bullet">
/// <item>direct uploads are signed Upload API form posts (<c>POST /v1_1/&lt;cloud&gt;/raw/upload</c>) the client
/// sends itself: the signature covers every field, so the client can neither pick another public id nor change a
/// parameter, and <c>overwrite=false</c> makes a second post with the same fields leave the first upload alone;</item>
/// <item>the app's own writes are the same call made here, streamed (multipart with the stream as the <c>file</c>
/// part, chunked: the file is never buffered whole), with <c>overwrite=true</c> (processing replaces originals);</item>
/// <item>the size comes from the Admin API (<c>GET /v1_1/&lt;cloud&gt;/resources/raw/authenticated/&lt;id&gt;</c>,
/// basic auth), deletion is a signed <c>destroy</c>;</item>
/// <item>reads are signed, expiring download URLs (<c>GET /v1_1/&lt;cloud&gt;/raw/download?…&amp;expires_at=…</c>).</item>
/// </list>
/// Assets are uploaded with delivery type <c>authenticated</c>: nothing is readable through a public CDN URL, only
/// through a signed URL, and the download URLs here also expire.
/// <para>
/// Resource type <c>raw</c> for everything: our storage keys (used as public ids) are random and carry no extension,
/// and every operation but the upload only has the key, so one resource type keeps the key the whole address.
/// <c>raw</c> stores the bytes exactly as sent, whatever they are; as <c>image</c> or <c>video</c> Cloudinary would
/// parse (and refuse) what it cannot decode, before our own checks and processing had a say. The price: the
/// account's raw file size limit must cover <c>Media__Max…Bytes</c>, and downloads carry no type of their own.
/// </para>
/// </summary>
public sealed class CloudinaryMediaStore(HttpClient http, IOptions<CloudinaryOptions> cloudinary, IOptions<MediaOptions> media, TimeProvider time) : IMediaStore
{
    public const string ResourceType = "raw";

    public const string DeliveryType = "authenticated";

    /// <summary>Cloudinary refuses a signed request whose timestamp is older than this.</summary>
    public static readonly TimeSpan MaxSignatureAge = TimeSpan.FromHours(1);

    /// <summary>The lifetime of the download URL <see cref="OpenReadAsync"/> uses at once (it never leaves the app).</summary>
    private static readonly TimeSpan InternalReadLifetime = TimeSpan.FromMinutes(5);

    private CloudinaryOptions Options => cloudinary.Value;

    /// <summary>
    /// A signed form the client posts with the file. It expires with its timestamp: after
    /// <c>Media__UploadUrlLifetime</c>, but never later than Cloudinary's own hour.
    /// </summary>
    public Task<DirectUpload> DirectUploadAsync(string key, string contentType, CancellationToken ct) => Task.FromResult(DirectUpload(key));

    /// <summary>The direct upload of <see cref="DirectUploadAsync"/>, made without I/O (public for unit tests).</summary>
    public DirectUpload DirectUpload(string key)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var lifetime = media.Value.UploadUrlLifetime < MaxSignatureAge ? media.Value.UploadUrlLifetime : MaxSignatureAge;
        var fields = Signed(timestamp, ("public_id", key), ("type", DeliveryType), ("overwrite", "false"));
        return new DirectUpload(ApiUrl($"{ResourceType}/upload"), "POST", new Dictionary<string, string>(), fields, DateTimeOffset.FromUnixTimeSeconds(timestamp) + lifetime);
    }

    public async Task<long?> SizeAsync(string key, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        using var request = new HttpRequestMessage(HttpMethod.Get, ApiUrl($"resources/{ResourceType}/{DeliveryType}/{Uri.EscapeDataString(key)}"));
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Options.ApiKey + ":" + Options.ApiSecret)));
        using var response = await http.SendAsync(request, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        using var json = await SuccessJsonAsync(response, "resource lookup", ct);
        return json.RootElement.TryGetProperty("bytes", out var bytes) && bytes.TryGetInt64(out var size)
            ? size
            : throw new CloudinaryException("Cloudinary's resource lookup answered without a size.", response.StatusCode);
    }

    /// <summary>Streams the asset through a signed download URL; a missing asset is a <see cref="FileNotFoundException"/>.</summary>
    public async Task<Stream> OpenReadAsync(string key, CancellationToken ct)
    {
        var url = DownloadUrl(key, time.GetUtcNow() + InternalReadLifetime, attachment: false, fileName: null);
        var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        try
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new FileNotFoundException("No media are stored under this key in Cloudinary.");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw await FailureAsync(response, "download", ct);
            }

            return new ResponseStream(response, await response.Content.ReadAsStreamAsync(ct));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Uploads (replacing) from the stream as it is read: a chunked multipart body, never buffered whole.</summary>
    public async Task WriteAsync(string key, Stream content, string contentType, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        var fields = Signed(time.GetUtcNow().ToUnixTimeSeconds(), ("public_id", key), ("type", DeliveryType), ("overwrite", "true"));
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        // The form disposes its parts; the caller's stream stays open, the caller owns it.
        var file = new StreamContent(new NonClosingStream(content));
        file.Headers.ContentType = MediaTypeHeaderValue.TryParse(contentType, out var type) ? type : new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", key); // a file name makes it a file part; without one Cloudinary reads "file" as a URL

        using var response = await http.PostAsync(ApiUrl($"{ResourceType}/upload"), form, ct);
        using var _ = await SuccessJsonAsync(response, "upload", ct);
    }

    /// <summary>Signed <c>destroy</c>; an asset that is not there counts as deleted.</summary>
    public async Task DeleteAsync(string key, CancellationToken ct)
    {
        var fields = Signed(time.GetUtcNow().ToUnixTimeSeconds(), ("public_id", key), ("type", DeliveryType));
        using var form = new FormUrlEncodedContent(fields);
        using var response = await http.PostAsync(ApiUrl($"{ResourceType}/destroy"), form, ct);
        using var json = await SuccessJsonAsync(response, "destroy", ct);
        var result = json.RootElement.TryGetProperty("result", out var r) ? r.GetString() : null;
        if (result is not ("ok" or "not found"))
        {
            throw new CloudinaryException($"Cloudinary's destroy answered \"{Truncate(result)}\".", response.StatusCode);
        }
    }

    /// <summary>
    /// A signed download URL that stops working after <c>Media__ReadUrlLifetime</c>. Cloudinary decides the
    /// Content-Type itself (the API takes none; for raw assets it is generic), so <paramref name="contentType"/> is
    /// not used; attachments are forced to download under <paramref name="fileName"/>.
    /// </summary>
    public Task<Uri> ReadUrlAsync(string key, string contentType, string fileName, bool attachment, CancellationToken ct) =>
        Task.FromResult(DownloadUrl(key, time.GetUtcNow() + media.Value.ReadUrlLifetime, attachment, fileName));

    /// <summary>The signed download URL, without I/O (public for unit tests).</summary>
    public Uri DownloadUrl(string key, DateTimeOffset expiresAt, bool attachment, string? fileName)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var parameters = Signed(
            time.GetUtcNow().ToUnixTimeSeconds(),
            ("public_id", key),
            ("type", DeliveryType),
            ("expires_at", expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            ("attachment", attachment ? "true" : null),
            ("target_filename", attachment ? fileName : null));
        var query = string.Join('&', parameters.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value)));
        return new Uri(ApiUrl($"{ResourceType}/download") + "?" + query);
    }

    /// <summary>
    /// The parameters with <c>timestamp</c>, <c>api_key</c> and the <c>signature</c> of all of them (empty ones are left
    /// out, as they are from the signature).
    /// </summary>
    private Dictionary<string, string> Signed(long timestamp, params (string Name, string? Value)[] parameters)
    {
        var signed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in parameters)
        {
            if (!string.IsNullOrEmpty(value))
            {
                signed[name] = value;
            }
        }

        signed["timestamp"] = timestamp.ToString(CultureInfo.InvariantCulture);
        var signature = CloudinarySignature.Sign(signed.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)), Options.ApiSecret, Options.SignatureAlgorithm);
        signed["api_key"] = Options.ApiKey;
        signed["signature"] = signature;
        return signed;
    }

    private Uri ApiUrl(string path) =>
        new(Options.ApiBaseUrl.AbsoluteUri.TrimEnd('/') + "/v1_1/" + Uri.EscapeDataString(Options.CloudName) + "/" + path);

    private async Task<JsonDocument> SuccessJsonAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(response, what, ct);
        }

        await using var body = await response.Content.ReadAsStreamAsync(ct);
        try
        {
            return await JsonDocument.ParseAsync(body, cancellationToken: ct);
        }
        catch (JsonException)
        {
            throw new CloudinaryException($"Cloudinary's {what} answered {(int)response.StatusCode} without JSON.", response.StatusCode);
        }
    }

    /// <summary>The status and Cloudinary's <c>error.message</c> (which holds no secret; scrubbed anyway, and cut short).</summary>
    private async Task<CloudinaryException> FailureAsync(HttpResponseMessage response, string what, CancellationToken ct)
    {
        string? message = null;
        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
            {
                message = m.GetString();
            }
        }
        catch (JsonException)
        {
        }

        var text = $"Cloudinary's {what} answered {(int)response.StatusCode}" + (message is null ? "." : $": {Truncate(message)}");
        var secret = Options.ApiSecret;
        return new CloudinaryException(secret.Length == 0 ? text : text.Replace(secret, "***", StringComparison.Ordinal), response.StatusCode);
    }

    private static string? Truncate(string? text) => text is { Length: > 300 } ? text[..300] + "…" : text;

    /// <summary>The response body; disposing it releases the response (and its connection).</summary>
    private sealed class ResponseStream(HttpResponseMessage response, Stream inner) : DelegatingReadStream(inner)
    {
        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing)
            {
                response.Dispose();
            }
        }
    }

    /// <summary>Keeps the caller's stream open when the request content is disposed: the caller owns it.</summary>
    private sealed class NonClosingStream(Stream inner) : DelegatingReadStream(inner, disposeInner: false);
}

/// <summary>A Cloudinary call failed; the message has the status and Cloudinary's reason, never a secret.</summary>
public sealed class CloudinaryException(string message, HttpStatusCode status) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}
