using DistaHilar.Core.Auth;
using DistaHilar.Core.Common;
using DistaHilar.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Auth;

public sealed class AuthFunctions(AuthService auth)
{
    private const string CookieName = "refreshToken";

    /// <summary>
    /// Native clients (no cookie jar) send <c>X-Refresh-Token-In-Body: true</c> to get the refresh token in the JSON
    /// too. Without it, it travels only in the HttpOnly cookie, so a script on a web page can never read it.
    /// </summary>
    public const string RefreshTokenInBodyHeader = "X-Refresh-Token-In-Body";

    [Function("Register")]
    public async Task<Results<Created<AuthResult>, ApiProblem>> Register(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/register")] HttpRequest request, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<RegisterRequest>(request, ct);
        var result = body.IsSuccess ? await auth.RegisterAsync(body.Value, request.ClientInfo(), ct) : body.Problem;
        if (!result.IsSuccess)
        {
            return new ApiProblem(result.Problem);
        }

        SetRefreshCookie(request, result.Value);
        return TypedResults.Created("/api/users/me", ForBody(request, result.Value));
    }

    [Function("Login")]
    public async Task<Results<Ok<AuthResult>, ApiProblem>> Login(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/login")] HttpRequest request, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<LoginRequest>(request, ct);
        var result = body.IsSuccess ? await auth.LoginAsync(body.Value, request.ClientInfo(), ct) : body.Problem;
        return SignedIn(request, result);
    }

    /// <summary>The refresh token comes from the HttpOnly cookie (browsers) or the body (other clients).</summary>
    [Function("Refresh")]
    public async Task<Results<Ok<AuthResult>, ApiProblem>> Refresh(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/refresh")] HttpRequest request, CancellationToken ct)
    {
        var body = await RequestBody.ReadOptionalAsync<RefreshRequest>(request, ct);
        if (!body.IsSuccess)
        {
            return new ApiProblem(body.Problem);
        }

        var token = body.Value?.RefreshToken ?? request.Cookies[CookieName];
        return SignedIn(request, await auth.RefreshAsync(token, request.ClientInfo(), ct));
    }

    [Function("Logout")]
    public async Task<Results<NoContent, ApiProblem>> Logout(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "auth/logout")] HttpRequest request, FunctionContext context, CancellationToken ct)
    {
        var result = await auth.LogoutAsync(context.Caller(), ct);
        request.HttpContext.Response.Cookies.Delete(CookieName, CookieOptions(request, expires: null));
        return result.NoContentOr();
    }

    [Function("ListSessions")]
    public async Task<Ok<ItemList<SessionView>>> ListSessions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "auth/sessions")] HttpRequest request, FunctionContext context, CancellationToken ct) =>
        TypedResults.Ok(new ItemList<SessionView>(await auth.ListSessionsAsync(context.Caller(), ct)));

    [Function("RevokeSession")]
    public async Task<Results<NoContent, ApiProblem>> RevokeSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "auth/sessions/{sessionId}")] HttpRequest request, Guid sessionId, FunctionContext context, CancellationToken ct) =>
        (await auth.RevokeSessionAsync(context.Caller(), sessionId, ct)).NoContentOr();

    /// <summary>Signs out every other device.</summary>
    [Function("RevokeOtherSessions")]
    public async Task<Results<NoContent, ApiProblem>> RevokeOtherSessions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "auth/sessions")] HttpRequest request, FunctionContext context, CancellationToken ct) =>
        (await auth.RevokeOtherSessionsAsync(context.Caller(), ct)).NoContentOr();

    private static Results<Ok<AuthResult>, ApiProblem> SignedIn(HttpRequest request, Result<AuthResult> result)
    {
        if (!result.IsSuccess)
        {
            return new ApiProblem(result.Problem);
        }

        SetRefreshCookie(request, result.Value);
        return TypedResults.Ok(ForBody(request, result.Value));
    }

    private static void SetRefreshCookie(HttpRequest request, AuthResult result) =>
        request.HttpContext.Response.Cookies.Append(CookieName, result.RefreshToken!, CookieOptions(request, result.RefreshTokenExpiresAt));

    private static AuthResult ForBody(HttpRequest request, AuthResult result) =>
        string.Equals(request.Headers[RefreshTokenInBodyHeader], "true", StringComparison.OrdinalIgnoreCase) ? result : result with { RefreshToken = null };

    /// <summary>HttpOnly (no script can read it), Secure, SameSite=Strict, and sent only to the auth routes.</summary>
    private static CookieOptions CookieOptions(HttpRequest request, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        Secure = true,
        SameSite = SameSiteMode.Strict,
        Path = request.PathBase.Add("/api/auth").Value,
        Expires = expires,
    };
}
