using DistaHilar.Core.Auth;
using Microsoft.AspNetCore.Http;

namespace DistaHilar.Functions.Http;

public static class ClientInfoExtensions
{
    /// <summary>The caller's device and address; the platform's forwarded-headers handling sets RemoteIpAddress.</summary>
    public static ClientInfo ClientInfo(this HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var userAgent = request.Headers.UserAgent.ToString();
        return new ClientInfo(userAgent.Length > 0 ? userAgent : null, request.HttpContext.Connection.RemoteIpAddress?.ToString());
    }
}
