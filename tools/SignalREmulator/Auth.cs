using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace DistaHilar.SignalREmulator;

/// <summary>Finds and checks the bearer token of a REST call or a client connection.</summary>
internal sealed class Auth(string accessKey, Uri endpoint, TimeProvider time)
{
    private static readonly HashSet<string> TransportParameters = new(StringComparer.OrdinalIgnoreCase) { "negotiateVersion", "id", "access_token" };

    /// <summary>The token from <c>Authorization: Bearer</c>, or (browsers cannot set headers) the access_token query.</summary>
    public static string? Token(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        return request.Query.TryGetValue("access_token", out var query) ? query.ToString() : null;
    }

    /// <summary>REST: <c>aud</c> must be the request URL without its query.</summary>
    public bool IsRestCallAllowed(HttpContext context)
    {
        if (Token(context.Request) is not { } token || Jwt.Validate(token, accessKey, time.GetUtcNow()) is not { } payload)
        {
            return false;
        }

        var rawPath = RawPath(context);
        var expected = new[] { endpoint.GetLeftPart(UriPartial.Authority), $"{context.Request.Scheme}://{context.Request.Host}" }
            .SelectMany(origin => new[] { origin + rawPath, origin + Uri.UnescapeDataString(rawPath) })
            .Select(u => u.TrimEnd('/'))
            .ToList();
        return payload.Audiences.Any(aud =>
            expected.Contains(aud.TrimEnd('/'), StringComparer.OrdinalIgnoreCase)
            || expected.Contains(Uri.UnescapeDataString(aud).TrimEnd('/'), StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Client: <c>aud</c> is the client URL <c>&lt;endpoint&gt;/client/?hub=&lt;hub&gt;</c>; a trailing slash, the query's
    /// order and the parameters the client adds itself (negotiateVersion, id, access_token) do not matter.
    /// </summary>
    public TokenPayload? ValidateClient(HttpRequest request)
    {
        if (Token(request) is not { } token || token.Length > 4096 || Jwt.Validate(token, accessKey, time.GetUtcNow()) is not { } payload)
        {
            return null;
        }

        return payload.Audiences.Any(aud => IsClientAudience(aud, request)) ? payload : null;
    }

    public static string RawPath(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.ToString();
        var query = target.IndexOf('?', StringComparison.Ordinal);
        return query >= 0 ? target[..query] : target;
    }

    private bool IsClientAudience(string audience, HttpRequest request)
    {
        if (!Uri.TryCreate(audience, UriKind.Absolute, out var aud) || aud.AbsolutePath.TrimEnd('/') != "/client")
        {
            return false;
        }

        var origin = aud.GetLeftPart(UriPartial.Authority);
        if (!string.Equals(origin, endpoint.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase)
            && !string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var wanted = QueryHelpers.ParseQuery(aud.Query);
        if (!wanted.TryGetValue("hub", out var hub) || !string.Equals(hub.ToString(), request.Query["hub"].ToString(), StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return wanted.Where(p => !TransportParameters.Contains(p.Key) && p.Key != "hub")
            .All(p => request.Query.TryGetValue(p.Key, out var value) && value.ToString() == p.Value.ToString());
    }
}
