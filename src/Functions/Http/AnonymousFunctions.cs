namespace DistaHilar.Functions.Http;

/// <summary>
/// The only HTTP functions that run without an access token. Everything else is authenticated by
/// <see cref="AuthenticationMiddleware"/>; adding a name here is a security decision.
/// </summary>
public static class AnonymousFunctions
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal)
    {
        "Health",
        "Register",
        "Login",
        "Refresh",
        "SignalRUpstream", // checked by its X-ASRS-Signature instead
        "GetAvatar", // avatars are public; the key is random and answers only while it is someone's avatar
    };
}
