using Microsoft.AspNetCore.Cors.Infrastructure;

namespace DistaHilar.DevHost;

/// <summary>
/// CORS as the Functions host applies it in front of the worker: <c>func start</c> reads the origins from
/// local.settings.json's <c>Host.CORS</c> (comma-separated, <c>*</c> for any) and <c>Host.CORSCredentials</c>. The host
/// answers preflights itself, allowing any requested method and header; an allowed origin is echoed (with
/// <c>Vary: Origin</c>), and an origin not listed gets no CORS headers while its request still runs (the browser is the
/// one that refuses it).
/// </summary>
public sealed record HostCors(IReadOnlyList<string> Origins, bool SupportCredentials)
{
    public const string AnyOrigin = "*";

    public bool Enabled => Origins.Count > 0;

    /// <summary>The caller's origins added to the file's (when it is read); the caller's credentials setting wins.</summary>
    /// <exception cref="InvalidOperationException">Credentials with "*": browsers refuse that answer, and Azure refuses the setting.</exception>
    public static HostCors From(DevHostOptions options, string appDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (fileOrigins, fileCredentials) = options.ReadLocalSettings ? LocalSettings.LoadCors(appDirectory) : ([], null);
        var origins = fileOrigins.Concat(options.CorsOrigins)
            .Select(o => o.Trim().TrimEnd('/'))
            .Where(o => o.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        var cors = new HostCors(origins, options.CorsCredentials ?? fileCredentials ?? false);
        if (cors.SupportCredentials && origins.Contains(AnyOrigin))
        {
            throw new InvalidOperationException("CORS cannot allow credentials for the origin '*': list the origins instead (Host.CORS / DevHostOptions.CorsOrigins).");
        }

        return cors;
    }

    internal CorsPolicy Policy()
    {
        var builder = new CorsPolicyBuilder().AllowAnyMethod().AllowAnyHeader();
        if (Origins.Contains(AnyOrigin))
        {
            builder.AllowAnyOrigin();
        }
        else
        {
            // A predicate rather than WithOrigins: the answer then always carries Vary: Origin, one origin or many.
            var allowed = new HashSet<string>(Origins, StringComparer.OrdinalIgnoreCase);
            builder.SetIsOriginAllowed(allowed.Contains);
        }

        if (SupportCredentials)
        {
            builder.AllowCredentials();
        }

        return builder.Build();
    }
}
