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

    private static readonly ApiProblem Conflict = new(new Problem(ProblemKind.Conflict, "The resource was changed by another request at the same time; try again."));

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
            if (IsConcurrentConflict(ex))
            {
                // A race the pre-checks could not see (e.g. two requests adding the same member): nothing was written.
                log.LogInformation("{Function}: lost a race to a concurrent change: {Error}", context.FunctionDefinition.Name, ex.GetType().Name + ": " + ex.Message);
                await Conflict.ExecuteAsync(http);
                return;
            }

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

    /// <summary>Integrity violations (class 23), serialization failures and deadlocks: the database refused a racing write.</summary>
    private static bool IsConcurrentConflict(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState.StartsWith("23", StringComparison.Ordinal) || pg.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected,
        DbUpdateException { InnerException: { } inner } => IsConcurrentConflict(inner),
        _ => false,
    };

    private static bool IsDependencyFailure(Exception ex) => ex switch
    {
        // TaskCanceledException: a call that timed out (a client hanging up is filtered out before this).
        NpgsqlException or TimeoutException or SocketException or HttpRequestException or TaskCanceledException or RequestFailedException { Status: 0 or >= 500 } => true,
        DbUpdateException { InnerException: { } inner } => IsDependencyFailure(inner),
        InvalidOperationException { InnerException: { } inner } => IsDependencyFailure(inner), // EF wraps transient errors
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsDependencyFailure),
        _ => false,
    };
}
