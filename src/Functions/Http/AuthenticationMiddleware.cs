using DistaHilar.Core.Auth;
using DistaHilar.Core.Common;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace DistaHilar.Functions.Http;

/// <summary>
/// Authenticates every HTTP invocation once, before any function code runs: a valid bearer access token of a live session or a 401
/// problem with <c>WWW-Authenticate: Bearer</c>. Only <see cref="AnonymousFunctions"/> are let through without one.
/// </summary>
public sealed class AuthenticationMiddleware : IFunctionsWorkerMiddleware
{
    private static readonly ApiProblem Unauthenticated = new(Problem.Unauthorized("A valid access token is required."));

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.GetHttpContext();
        if (http is null || AnonymousFunctions.Names.Contains(context.FunctionDefinition.Name))
        {
            await next(context);
            return;
        }

        var tokens = context.InstanceServices.GetRequiredService<AccessTokens>();
        var header = http.Request.Headers[HeaderNames.Authorization].ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        // A token of an ended session is refused like an expired one (a set lookup; no database round trip).
        if (await tokens.ValidateAsync(token) is not { } valid
            || await context.InstanceServices.GetRequiredService<RevokedSessions>().IsRevokedAsync(valid.Caller.SessionId, context.CancellationToken))
        {
            await Unauthenticated.ExecuteAsync(http);
            return;
        }

        context.SetCaller(valid);
        await next(context);
    }
}
