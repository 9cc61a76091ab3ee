using DistaHilar.Core.Common;

namespace DistaHilar.Core.Realtime;

/// <summary>
/// An Azure SignalR Service connection string: <c>Endpoint=https://x.service.signalr.net;AccessKey=...;Version=1.0;</c>
/// with optional <c>Port</c>, <c>ClientEndpoint</c> (handed to clients) and <c>ServerEndpoint</c> (used for REST).
/// Keys are case-insensitive; each pair splits on its first '='. <c>AuthType=azure.msi</c> (Entra ID) is recognised
/// but needs a token provider this build does not have yet.
/// </summary>
public sealed record SignalRConnectionString(Uri Endpoint, string? AccessKey, Uri ClientEndpoint, Uri ServerEndpoint, string? AuthType)
{
    public static Result<SignalRConnectionString> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Invalid("it is empty");
        }

        var pairs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return Invalid($"'{part.Split('=')[0]}' has no value");
            }

            pairs[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }

        if (!pairs.TryGetValue("Endpoint", out var endpointText) || !TryHttpUri(endpointText, out var endpoint))
        {
            return Invalid("Endpoint must be an http(s) URL");
        }

        if (pairs.TryGetValue("Port", out var portText))
        {
            if (!int.TryParse(portText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                return Invalid("Port must be a number from 1 to 65535");
            }

            endpoint = new UriBuilder(endpoint) { Port = port }.Uri;
        }

        pairs.TryGetValue("AuthType", out var authType);
        pairs.TryGetValue("AccessKey", out var accessKey);
        if (string.IsNullOrEmpty(accessKey) && string.IsNullOrEmpty(authType))
        {
            return Invalid("AccessKey is required (or AuthType for Entra ID)");
        }

        var client = endpoint;
        if (pairs.TryGetValue("ClientEndpoint", out var clientText) && !TryHttpUri(clientText, out client))
        {
            return Invalid("ClientEndpoint must be an http(s) URL");
        }

        var server = endpoint;
        if (pairs.TryGetValue("ServerEndpoint", out var serverText) && !TryHttpUri(serverText, out server))
        {
            return Invalid("ServerEndpoint must be an http(s) URL");
        }

        return new SignalRConnectionString(endpoint, string.IsNullOrEmpty(accessKey) ? null : accessKey, client, server, string.IsNullOrEmpty(authType) ? null : authType);
    }

    /// <summary>The message never includes the string itself: it holds a secret.</summary>
    private static Problem Invalid(string why) => Problem.Validation("SignalR__ConnectionString", $"The SignalR connection string is not valid: {why}.");

    private static bool TryHttpUri(string text, out Uri uri)
    {
        uri = null!;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed) || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
        {
            return false;
        }

        uri = new Uri(parsed.GetLeftPart(UriPartial.Authority));
        return true;
    }
}
