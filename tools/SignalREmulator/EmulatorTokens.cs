namespace DistaHilar.SignalREmulator;

/// <summary>Mints the tokens the service accepts, for tests and scripts that have no SDK at hand.</summary>
public static class EmulatorTokens
{
    /// <summary>A data-plane REST token: <c>aud</c> is the request URL without its query.</summary>
    public static string ForRest(string accessKey, Uri requestUrl, TimeSpan lifetime) =>
        Jwt.Create(accessKey, Claims(requestUrl.GetLeftPart(UriPartial.Path), lifetime, []));

    /// <summary>A client token for <c>&lt;endpoint&gt;/client/?hub=&lt;hub&gt;</c>, with the user id in <c>nameid</c>.</summary>
    public static string ForClient(string accessKey, Uri endpoint, string hub, string? userId, TimeSpan lifetime, IReadOnlyDictionary<string, string>? claims = null)
    {
        var extra = new Dictionary<string, object>(claims?.ToDictionary(c => c.Key, c => (object)c.Value) ?? []);
        if (userId is not null)
        {
            extra["nameid"] = userId;
        }

        return Jwt.Create(accessKey, Claims(ClientUrl(endpoint, hub), lifetime, extra));
    }

    /// <summary>
    /// The URL the app's negotiate hands to clients (and the audience of their tokens). The hub keeps its casing: the
    /// service matches it case-insensitively, and the first client's casing is what goes upstream.
    /// </summary>
    public static string ClientUrl(Uri endpoint, string hub) =>
        $"{endpoint.GetLeftPart(UriPartial.Authority)}/client/?hub={Uri.EscapeDataString(hub)}";

    private static Dictionary<string, object> Claims(string audience, TimeSpan lifetime, Dictionary<string, object> extra)
    {
        var now = DateTimeOffset.UtcNow;
        return new Dictionary<string, object>(extra)
        {
            ["aud"] = audience,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.Add(lifetime).ToUnixTimeSeconds(),
        };
    }
}
