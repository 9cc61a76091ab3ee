namespace DistaHilar.Tests.Infrastructure;

/// <summary>What a browser sends across origins, and reading the answer's CORS headers.</summary>
public static class CorsRequests
{
    /// <param name="url">Relative to the client's base address, or absolute.</param>
    public static HttpRequestMessage Preflight(string url, string origin, string method, string headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, url);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }

    public static HttpRequestMessage Get(string url, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Origin", origin);
        return request;
    }

    /// <summary>A response header's values joined, or empty when it is absent.</summary>
    public static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : "";
}
