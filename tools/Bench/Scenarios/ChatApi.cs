using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace DistaHilar.Bench.Scenarios;

/// <summary>Authenticated chat API calls for the chat scenarios: one for the measured loop, strict ones for setup.</summary>
internal static class ChatApi
{
    /// <summary>Sends as the holder of <paramref name="token"/>; the caller disposes the response and checks its status.</summary>
    public static Task<HttpResponseMessage> SendAsync(HttpClient client, string token, HttpMethod method, Uri path, object? body, CancellationToken ct)
    {
        // The client sends the request before this returns, and disposing a sent request only drops its content.
#pragma warning disable CA2000
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
#pragma warning restore CA2000
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request, ct);
    }

    /// <summary>Setup: sends, throws unless the answer has <paramref name="expected"/>, returns its JSON body.</summary>
    public static async Task<JsonElement> RequireAsync(HttpClient client, string token, HttpMethod method, string path, object? body, HttpStatusCode expected, CancellationToken ct)
    {
        using var response = await SendAsync(client, token, method, new Uri(path, UriKind.Relative), body, ct);
        if (response.StatusCode != expected)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            throw new InvalidOperationException(
                $"Setup: {method} {path}: {(int)response.StatusCode} {response.StatusCode}, expected {(int)expected}: {(text.Length <= 300 ? text : text[..300])}");
        }

        return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
    }

    /// <summary>POST chats/groups as <paramref name="owner"/> with <paramref name="memberIds"/>; the new chat's id.</summary>
    public static async Task<Guid> CreateGroupAsync(HttpClient client, RegisteredUser owner, string title, Guid[] memberIds, CancellationToken ct) =>
        (await RequireAsync(client, owner.AccessToken, HttpMethod.Post, "chats/groups", new { title, memberIds }, HttpStatusCode.Created, ct))
            .GetProperty("id").GetGuid();

    /// <summary>Runs <paramref name="body"/> for 0 .. count - 1, 8 at a time, and says on stderr how long it took.</summary>
    public static async Task ForEachAsync(string what, int count, Func<int, CancellationToken, ValueTask> body, CancellationToken ct)
    {
        var started = TimeProvider.System.GetTimestamp();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct };
        await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, body);
        await Console.Error.WriteLineAsync($"{what}: {count} in {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s.");
    }
}
