using DistaHilar.LocalServices;

namespace DistaHilar.Dev;

/// <summary>
/// A built web client to serve next to the app (<see cref="WebClientServer"/>); the app's CORS (with credentials) and
/// Azurite's blob CORS then allow its origin, http://127.0.0.1:&lt;port&gt;. Always 127.0.0.1, never localhost: the
/// refresh cookie is SameSite=Strict, and 127.0.0.1:5173 and 127.0.0.1:7071 are one site where localhost is another.
/// </summary>
/// <param name="Root">The build output, e.g. web/dist.</param>
/// <param name="Port">Port on 127.0.0.1; 0 picks a free one (before the app starts, since its CORS names the origin).</param>
public sealed record WebClientOptions(string Root, int Port = WebClientOptions.DefaultPort)
{
    public const int DefaultPort = 5173;

    /// <summary>web/dist, where <c>npm run build</c> in web/ writes the client.</summary>
    public static string DefaultRoot() => Path.Combine(RepoRoot.Find(), "web", "dist");
}
