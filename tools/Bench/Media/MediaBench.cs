using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Storage.Blobs;
using DistaHilar.Bench.Scenarios;
using Npgsql;

namespace DistaHilar.Bench.Media;

/// <summary>
/// The media API as a client uses it (the direct path: declare, PUT to the storage URL, complete; the API path: one
/// multipart POST), and the bench's housekeeping between levels over the started stack's database and storage.
/// </summary>
internal static class MediaBench
{
    /// <summary>The app's blob container of uploads (Media__Container, not overridden by the bench).</summary>
    public const string Container = "media";

    private static readonly Uri Uploads = new("media/uploads", UriKind.Relative);
    private static readonly Uri Api = new("media", UriKind.Relative);

    /// <summary>POST api/media/uploads (201) and the PUT of <paramref name="payload"/> to the URL it gives (201); the media id, or why it failed.</summary>
    public static async Task<(Guid MediaId, Outcome Outcome)> UploadUncompletedAsync(
        HttpClient client, string token, string kind, string fileName, string contentType, byte[] payload, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(payload);
        Guid mediaId;
        Uri url;
        List<KeyValuePair<string, string>> headers;
        using (var created = await ChatApi.SendAsync(client, token, HttpMethod.Post, Uploads, new { fileName, contentType, size = payload.Length, kind }, ct))
        {
            if (created.StatusCode != HttpStatusCode.Created)
            {
                return (Guid.Empty, Outcome.Expect(created, HttpStatusCode.Created));
            }

            using var target = await JsonDocument.ParseAsync(await created.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
            var root = target.RootElement;
            mediaId = root.GetProperty("mediaId").GetGuid();
            url = new Uri(root.GetProperty("uploadUrl").GetString()!, UriKind.Absolute);
            headers = [.. root.GetProperty("headers").EnumerateObject().Select(h => KeyValuePair.Create(h.Name, h.Value.GetString() ?? ""))];
        }

        // The storage URL is absolute (Azurite), so the bench client's API base does not apply; the body is not copied.
        using var put = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(payload) };
        foreach (var (name, value) in headers)
        {
            if (!put.Headers.TryAddWithoutValidation(name, value))
            {
                put.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var stored = await client.SendAsync(put, ct);
        return (mediaId, Outcome.Expect(stored, HttpStatusCode.Created));
    }

    /// <summary>POST api/media/uploads/{id}/complete: 202 once the upload is checked and queued.</summary>
    public static async Task<Outcome> CompleteAsync(HttpClient client, string token, Guid mediaId, CancellationToken ct)
    {
        var path = new Uri(string.Create(CultureInfo.InvariantCulture, $"media/uploads/{mediaId}/complete"), UriKind.Relative);
        using var response = await ChatApi.SendAsync(client, token, HttpMethod.Post, path, null, ct);
        return Outcome.Expect(response, HttpStatusCode.Accepted);
    }

    /// <summary>POST api/media multipart/form-data: the <c>kind</c> field, then the <c>file</c> part (202).</summary>
    public static async Task<Outcome> UploadThroughApiAsync(HttpClient client, string token, string kind, string fileName, string contentType, byte[] payload, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(kind), "kind");
        var file = new ByteArrayContent(payload);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, Api) { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request, ct);
        return Outcome.Expect(response, HttpStatusCode.Accepted);
    }

    /// <summary>
    /// Between levels, unmeasured: waits until every completed upload's processing has ended (so the next level does
    /// not share the worker with the last one's queue), then deletes every blob of the media container. Azurite keeps
    /// blobs in memory, and a level of 5 MiB uploads would otherwise leave gigabytes in it on a shared machine.
    /// </summary>
    public static async Task SettleAsync(string database, string storage, TimeSpan timeout, CancellationToken ct)
    {
        var started = TimeProvider.System.GetTimestamp();
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync(ct);
            await using var pending = new NpgsqlCommand("SELECT count(*) FROM media WHERE completed_at IS NOT NULL AND status IN (0, 1)", connection);
            while (Convert.ToInt64(await pending.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) is var left and > 0)
            {
                if (TimeProvider.System.GetElapsedTime(started) > timeout)
                {
                    await Console.Error.WriteLineAsync($"{left} upload(s) still not processed after {timeout.TotalSeconds:0} s; deleting their blobs anyway.");
                    break;
                }

                await Task.Delay(200, ct);
            }
        }

        var waited = TimeProvider.System.GetElapsedTime(started);
        var container = new BlobContainerClient(storage, Container);
        var deleted = 0;
        if (await container.ExistsAsync(ct))
        {
            await foreach (var blob in container.GetBlobsAsync(cancellationToken: ct))
            {
                await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: ct);
                deleted++;
            }
        }

        await Console.Error.WriteLineAsync($"Settled: processing drained in {waited.TotalSeconds:0.0} s, {deleted} blob(s) deleted.");
    }
}
