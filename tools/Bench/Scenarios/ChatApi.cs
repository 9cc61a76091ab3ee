using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace DistaHilar.Bench.Scenarios;

/// <summary>Authenticated chat API calls for the chat scenarios: one for the measured loop, strict ones for setup.</summary>
internal static class ChatApi
{
    // Group creation takes 200 members, adding takes 100 at a time (ChatRules).
    private const int InitialMembers = 200;
    private const int MembersPerAdd = 100;

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

    /// <summary>Sends, throws unless the answer has <paramref name="expected"/>; the body is not read (the client buffered it).</summary>
    public static async Task ExpectAsync(HttpClient client, string token, HttpMethod method, string path, object? body, HttpStatusCode expected, CancellationToken ct)
    {
        using var response = await SendAsync(client, token, method, new Uri(path, UriKind.Relative), body, ct);
        await EnsureAsync(response, method, path, expected, ct);
    }

    /// <summary>Setup: sends, throws unless the answer has <paramref name="expected"/>, returns its JSON body.</summary>
    public static async Task<JsonElement> RequireAsync(HttpClient client, string token, HttpMethod method, string path, object? body, HttpStatusCode expected, CancellationToken ct)
    {
        using var response = await SendAsync(client, token, method, new Uri(path, UriKind.Relative), body, ct);
        try
        {
            await EnsureAsync(response, method, path, expected, ct);
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException("Setup: " + e.Message, e);
        }

        return await response.Content.ReadFromJsonAsync<JsonElement>(ct);
    }

    /// <summary>
    /// POST chats/groups as <paramref name="owner"/> with <paramref name="memberIds"/> (the first 200; the rest are added
    /// 100 at a time, as ChatRules allows); the new chat's id.
    /// </summary>
    public static async Task<Guid> CreateGroupAsync(HttpClient client, RegisteredUser owner, string title, Guid[] memberIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(memberIds);
        var chatId = (await RequireAsync(client, owner.AccessToken, HttpMethod.Post, "chats/groups", new { title, memberIds = memberIds.Take(InitialMembers).ToArray() }, HttpStatusCode.Created, ct))
            .GetProperty("id").GetGuid();
        foreach (var batch in memberIds.Skip(InitialMembers).Chunk(MembersPerAdd))
        {
            await RequireAsync(client, owner.AccessToken, HttpMethod.Post, $"chats/{chatId}/members", new { userIds = batch }, HttpStatusCode.OK, ct);
        }

        return chatId;
    }

    /// <summary>Runs <paramref name="body"/> for 0 .. count - 1, 8 at a time, and says on stderr how long it took.</summary>
    public static async Task ForEachAsync(string what, int count, Func<int, CancellationToken, ValueTask> body, CancellationToken ct)
    {
        var started = TimeProvider.System.GetTimestamp();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct };
        await Parallel.ForEachAsync(Enumerable.Range(0, count), parallel, body);
        await Console.Error.WriteLineAsync($"{what}: {count} in {TimeProvider.System.GetElapsedTime(started).TotalSeconds:0.0} s.");
    }

    private static async Task EnsureAsync(HttpResponseMessage response, HttpMethod method, string path, HttpStatusCode expected, CancellationToken ct)
    {
        if (response.StatusCode != expected)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            throw new HttpRequestException(
                $"{method} {path}: {(int)response.StatusCode} {response.StatusCode}, expected {(int)expected}: {(text.Length <= 300 ? text : text[..300])}",
                null,
                response.StatusCode);
        }
    }
}
