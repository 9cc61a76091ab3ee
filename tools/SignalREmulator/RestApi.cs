using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DistaHilar.SignalREmulator;

/// <summary>
/// The data-plane REST API (<c>/api/hubs/{hub}/...</c>, api-version 2022-11-01, and the older <c>/api/v1/hubs/{hub}/...</c>).
/// Routed by hand on the raw path so escaped user ids and group names (even %2F) come through intact.
/// </summary>
internal sealed class RestApi(Auth auth, Registry registry, RestCallCounter counter, ILogger log)
{
    private const int MaxBodyBytes = 1024 * 1024;
    private static readonly JsonElement EmptyArguments = JsonElement.Parse("[]");

    public async Task HandleAsync(HttpContext context)
    {
        var segments = Auth.RawPath(context).Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var method = context.Request.Method;
        counter.Count(Kind(segments, HttpMethods.IsPost(method)), GroupSent(segments, HttpMethods.IsPost(method)));

        // Every call needs the bearer token, the health probe included (the official emulator answers it 401 without one).
        if (!auth.IsRestCallAllowed(context))
        {
            await Problem(context, StatusCodes.Status401Unauthorized, "The bearer token is missing, invalid, expired or for another URL.");
            return;
        }

        if (segments is ["api", "health"] && (HttpMethods.IsHead(method) || HttpMethods.IsGet(method)))
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        string[] tail;
        if (segments is ["api", "hubs", _, ..])
        {
            tail = segments[2..];
        }
        else if (segments is ["api", "v1", "hubs", _, ..])
        {
            tail = segments[3..];
        }
        else
        {
            await Problem(context, StatusCodes.Status404NotFound, "No such route.");
            return;
        }

        var hub = tail[0].ToLowerInvariant();
        var status = await RouteAsync(context, method, hub, tail[1..]);
        if (!context.Response.HasStarted)
        {
            context.Response.StatusCode = status;
        }
    }

    private async Task<int> RouteAsync(HttpContext context, string method, string hub, string[] route)
    {
        var post = HttpMethods.IsPost(method);
        var put = HttpMethods.IsPut(method);
        var delete = HttpMethods.IsDelete(method);
        var head = HttpMethods.IsHead(method);
        return Canonical(route, post) switch
        {
            [":send"] when post => await SendAsync(context, hub, () => registry.All(hub)),
            [":closeConnections"] when post => Close(context, registry.All(hub)),

            ["users", var user, ":send"] when post => await SendAsync(context, hub, () => registry.OfUser(hub, user)),
            ["users", var user] when head => Found(registry.IsUserConnected(hub, user)),
            ["users", var user, ":closeConnections"] when post => Close(context, registry.OfUser(hub, user)),
            ["users", var user, "groups", var group] => UserGroup(context, method, hub, user, group),
            ["users", var user, "groups"] when delete => Done(() => registry.RemoveUserFromAllGroups(hub, user)),

            ["groups", var group, ":send"] when post => await SendAsync(context, hub, () => registry.InGroup(hub, group)),
            ["groups", var group] when head => Found(registry.GroupHasConnections(hub, group)),
            ["groups", var group, ":closeConnections"] when post => Close(context, registry.InGroup(hub, group)),
            ["groups", var group, "connections", var id] when put => Found(registry.AddConnectionToGroup(hub, group, id)),
            ["groups", var group, "connections", var id] when delete => Found(registry.RemoveConnectionFromGroup(hub, group, id)),

            ["connections", var id, ":send"] when post => await SendAsync(context, hub, () => registry.Find(hub, id) is { } c ? [c] : []),
            ["connections", var id] when head => Found(registry.Find(hub, id) is not null),
            ["connections", var id] when delete => Close(context, registry.Find(hub, id) is { } c ? [c] : []),
            ["connections", var id, "groups"] when delete => Found(registry.RemoveConnectionFromAllGroups(hub, id)),

            _ when post || put || delete || head => StatusCodes.Status404NotFound,
            _ => StatusCodes.Status405MethodNotAllowed,
        };
    }

    /// <summary>The group a send-to-group call names; null for any other call.</summary>
    private static string? GroupSent(string[] segments, bool post) =>
        Canonical(HubRoute(segments), post) is ["groups", var group, ":send"] && post ? group : null;

    /// <summary>What a request is, for <see cref="RestCallCounter"/>: decided on its route alone, answered or not.</summary>
    private static RestCallKind Kind(string[] segments, bool post) => Canonical(HubRoute(segments), post) switch
    {
        ["groups", _, ":send"] when post => RestCallKind.SendToGroup,
        ["users", _, ":send"] when post => RestCallKind.SendToUser,
        ["users", _, "groups", ..] or ["groups", _, "connections", _] or ["connections", _, "groups"] => RestCallKind.GroupMembership,
        _ => RestCallKind.Other,
    };

    /// <summary>The route after the hub (<c>api/hubs/{hub}/…</c> or <c>api/v1/hubs/{hub}/…</c>); empty for any other path.</summary>
    private static string[] HubRoute(string[] segments) => segments switch
    {
        ["api", "hubs", _, .. var rest] => rest,
        ["api", "v1", "hubs", _, .. var rest] => rest,
        _ => [],
    };

    /// <summary>Maps the v1 and alternative spellings of a route onto the 2022-11-01 one.</summary>
    private static string[] Canonical(string[] route, bool post) => route switch
    {
        [] when post => [":send"],
        [var kind, var id] when post && kind is "users" or "groups" or "connections" => [kind, id, ":send"],
        ["groups", var group, "users", var user] => ["users", user, "groups", group],
        ["connections", var id, "groups", var group] => ["groups", group, "connections", id],
        _ => route,
    };

    private int UserGroup(HttpContext context, string method, string hub, string user, string group)
    {
        if (HttpMethods.IsHead(method))
        {
            return Found(registry.IsUserInGroup(hub, user, group));
        }

        if (HttpMethods.IsDelete(method))
        {
            return Done(() => registry.RemoveUserFromGroup(hub, user, group));
        }

        if (!HttpMethods.IsPut(method))
        {
            return StatusCodes.Status405MethodNotAllowed;
        }

        TimeSpan? ttl = null;
        if (context.Request.Query["ttl"] is { Count: > 0 } raw)
        {
            if (!int.TryParse(raw.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                return StatusCodes.Status400BadRequest;
            }

            ttl = TimeSpan.FromSeconds(seconds);
        }

        return Done(() => registry.AddUserToGroup(hub, user, group, ttl));
    }

    /// <summary>Reads and checks the message, then queues it for each target; 202 as the service answers.</summary>
    private async Task<int> SendAsync(HttpContext context, string hub, Func<List<ClientConnection>> targets)
    {
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type) || !string.Equals(type.MediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            await Problem(context, StatusCodes.Status415UnsupportedMediaType, "Content-Type must be application/json.");
            return StatusCodes.Status415UnsupportedMediaType;
        }

        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return StatusCodes.Status413PayloadTooLarge;
        }

        using var body = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (body.Length + read > MaxBodyBytes)
            {
                return StatusCodes.Status413PayloadTooLarge;
            }

            body.Write(chunk, 0, read);
        }

        byte[] frame;
        try
        {
            using var doc = JsonDocument.Parse(body.GetBuffer().AsMemory(0, (int)body.Length));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("target", out var target) || target.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(target.GetString()))
            {
                await Problem(context, StatusCodes.Status400BadRequest, "The body needs a non-empty string 'target'.");
                return StatusCodes.Status400BadRequest;
            }

            var arguments = root.TryGetProperty("arguments", out var a) ? a : EmptyArguments;
            if (arguments.ValueKind != JsonValueKind.Array)
            {
                await Problem(context, StatusCodes.Status400BadRequest, "'arguments' must be an array.");
                return StatusCodes.Status400BadRequest;
            }

            frame = HubMessages.Invocation(target.GetString()!, arguments);
        }
        catch (JsonException)
        {
            await Problem(context, StatusCodes.Status400BadRequest, "The body is not valid JSON.");
            return StatusCodes.Status400BadRequest;
        }

        var excluded = context.Request.Query["excluded"].Select(e => e ?? "").ToHashSet(StringComparer.Ordinal);
        var sent = 0;
        foreach (var connection in targets().Where(c => !excluded.Contains(c.Id)))
        {
            sent += connection.Send(frame) ? 1 : 0;
        }

        log.LogDebug("{Method} {Path}: sent to {Count} connections", context.Request.Method, context.Request.Path, sent);
        return StatusCodes.Status202Accepted;
    }

    private static int Close(HttpContext context, List<ClientConnection> connections)
    {
        var reason = context.Request.Query["reason"].ToString();
        var excluded = context.Request.Query["excluded"].Select(e => e ?? "").ToHashSet(StringComparer.Ordinal);
        foreach (var connection in connections.Where(c => !excluded.Contains(c.Id)))
        {
            connection.Close(reason.Length > 0 ? reason : null);
        }

        return StatusCodes.Status200OK;
    }

    private static int Found(bool found) => found ? StatusCodes.Status200OK : StatusCodes.Status404NotFound;

    private static int Done(Action action)
    {
        action();
        return StatusCodes.Status200OK;
    }

    private static Task Problem(HttpContext context, int status, string error)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorResponse(error));
    }
}
