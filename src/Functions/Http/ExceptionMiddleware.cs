using System.Net.Sockets;
using Azure;
using DistaHilar.Core.Common;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DistaHilar.Functions.Http;

/// <summary>
/// The last line for HTTP functions: a dependency that is down (database, storage) becomes a 503 problem with
/// Retry-After, anything else a bare 500 problem. Neither carries exception details to the client; both are logged.
/// </summary>
public sealed class ExceptionMiddleware(ILogger<ExceptionMiddleware> log) : IFunctionsWorkerMiddleware
{
    private static readonly ApiProblem Unavailable = new(new Problem(ProblemKind.Unavailable, "A service this request needs is unavailable; try again shortly.", RetryAfter: TimeSpan.FromSeconds(5)));

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next(context);
        }
        catch (Exception ex) when (context.GetHttpContext() is { Response.HasStarted: false } http && !http.RequestAborted.IsCancellationRequested)
        {
            if (IsDependencyFailure(ex))
            {
                log.LogWarning("{Function}: a dependency failed: {Error}", context.FunctionDefinition.Name, ex.GetType().Name + ": " + ex.Message);
                await Unavailable.ExecuteAsync(http);
                return;
            }

            log.LogError(ex, "{Function} failed", context.FunctionDefinition.Name);
            http.Response.StatusCode = 500;
            await Microsoft.AspNetCore.Http.TypedResults.Problem(title: "Something went wrong on our side.", statusCode: 500).ExecuteAsync(http);
        }
    }

    private static bool IsDependencyFailure(Exception ex) => ex switch
    {
        NpgsqlException or TimeoutException or SocketException or RequestFailedException { Status: 0 or >= 500 } => true,
        DbUpdateException { InnerException: { } inner } => IsDependencyFailure(inner),
        InvalidOperationException { InnerException: { } inner } => IsDependencyFailure(inner), // EF wraps transient errors
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsDependencyFailure),
        _ => false,
    };
}
