using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using DistaHilar.Bench.Scenarios;

namespace DistaHilar.Bench.Faults;

/// <summary>
/// The queue-triggered work a fault must not lose: a call whose ring timeout (a delayed queue message) falls inside
/// the outage must still end <c>missed</c>, and media uploaded after it must still be processed. Each probe polls the
/// API until the work is done or its deadline passes.
/// </summary>
internal sealed class QueueWork(HttpClient client, RegisteredUser caller, Guid dialogId, TimeSpan deadline)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>Starts a call nobody answers; retried until the app takes it (right after a fault it may not).</summary>
    public async Task<Guid?> StartUnansweredCallAsync(CancellationToken ct)
    {
        var body = await UntilAsync(async () =>
        {
            using var response = await ChatApi.SendAsync(client, caller.AccessToken, HttpMethod.Post, new Uri("calls", UriKind.Relative), new { chatId = dialogId }, ct);
            return response.StatusCode == HttpStatusCode.Created ? await response.Content.ReadFromJsonAsync<JsonElement>(ct) : (JsonElement?)null;
        }, ct);
        return body?.GetProperty("id").GetGuid();
    }

    /// <summary>When the call became <c>missed</c> (its ring timeout ran: the call's <c>endedAt</c>), or null if it never did.</summary>
    public Task<DateTimeOffset?> CallMissedAsync(Guid callId, CancellationToken ct) =>
        UntilAsync(async () =>
        {
            using var response = await ChatApi.SendAsync(client, caller.AccessToken, HttpMethod.Get, new Uri("calls?limit=10", UriKind.Relative), null, ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (DateTimeOffset?)null;
            }

            var page = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            var call = page.GetProperty("items").EnumerateArray().FirstOrDefault(c => c.GetProperty("id").GetGuid() == callId);
            return call.ValueKind == JsonValueKind.Object && call.GetProperty("status").GetString() == "missed" ? call.GetProperty("endedAt").GetDateTimeOffset() : null;
        }, ct);

    /// <summary>Uploads a small file through the API and returns the seconds until it is <c>ready</c>, or null if it never was.</summary>
    public async Task<double?> MediaProcessedAsync(CancellationToken ct)
    {
        var started = TimeProvider.System.GetTimestamp();
        var mediaId = await UntilAsync(async () =>
        {
            using var response = await UploadFileAsync(client, caller, "a small file, to be processed after a fault\n"u8.ToArray(), ct);
            return response.StatusCode == HttpStatusCode.Accepted ? (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid() : (Guid?)null;
        }, ct);
        if (mediaId is null)
        {
            return null;
        }

        var ready = await UntilAsync(async () =>
        {
            using var response = await ChatApi.SendAsync(client, caller.AccessToken, HttpMethod.Get, new Uri($"media/{mediaId}", UriKind.Relative), null, ct);
            return response.StatusCode == HttpStatusCode.OK && (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("status").GetString() == "ready" ? true : (bool?)null;
        }, ct);
        return ready is null ? null : Math.Round(TimeProvider.System.GetElapsedTime(started).TotalSeconds, 2);
    }

    /// <summary>POST api/media multipart: kind <c>file</c>, then the bytes; 202 when taken (processing is queue work). The caller disposes the answer.</summary>
    public static async Task<HttpResponseMessage> UploadFileAsync(HttpClient client, RegisteredUser user, byte[] bytes, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent("file"), "kind");
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", "bench.bin");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("media", UriKind.Relative)) { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.AccessToken);
        return await client.SendAsync(request, ct);
    }

    /// <summary>
    /// Messages in the storage account's queues, by queue: <paramref name="poison"/> the poison queues
    /// (<c>&lt;queue&gt;-poison</c>), else the work queues (what is still to be done, delayed messages included).
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, int>> QueuedAsync(string storage, bool poison, CancellationToken ct)
    {
        var service = new QueueServiceClient(storage);
        var queued = new Dictionary<string, int>();
        await foreach (var queue in service.GetQueuesAsync(cancellationToken: ct))
        {
            if (queue.Name.EndsWith("-poison", StringComparison.Ordinal) == poison)
            {
                var properties = await service.GetQueueClient(queue.Name).GetPropertiesAsync(ct);
                if (properties.Value.ApproximateMessagesCount > 0)
                {
                    queued[queue.Name] = properties.Value.ApproximateMessagesCount;
                }
            }
        }

        return queued;
    }

    /// <summary>Calls <paramref name="attempt"/> until it gives a value (network failures count as none) or the deadline passes.</summary>
    private Task<T?> UntilAsync<T>(Func<Task<T?>> attempt, CancellationToken ct)
        where T : struct =>
        Deadline.UntilAsync(
            async () =>
            {
                try
                {
                    return await attempt();
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !ct.IsCancellationRequested)
                {
                    return null; // still recovering: try again
                }
            },
            deadline,
            Poll,
            ct);
}
