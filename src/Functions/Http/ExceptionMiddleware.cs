using System.Net.Sockets;
using Azure;
using DistaHilar.Core.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DistaHilar.Functions.Http;

/// <summary>
/// The last line for HTTP functions. A dependency that is down or overloaded (database connection, pooler, storage,
/// a timeout) becomes a 503 problem with Retry-After; a value the database refused becomes a 400 (bad data) or 409
/// (a racing write); anything else a bare 500 problem. Only the first means "try again later": a client retrying its
/// bad input for ever would be our bug. None carries exception details to the client; all are logged.
/// </summary>
public sealed class ExceptionMiddleware(ILogger<ExceptionMiddleware> log) : IFunctionsWorkerMiddleware
{
    private static readonly ApiProblem Unavailable = new(new Problem(ProblemKind.Unavailable, "A service this request needs is unavailable; try again shortly.", RetryAfter: TimeSpan.FromSeconds(5)));

    private static readonly ApiProblem Conflict = new(new Problem(ProblemKind.Conflict, "The resource was changed by another request at the same time; try again."));

    private static readonly ApiProblem BadData = new(Problem.Validation("body", "The request holds a value that cannot be stored (wrong format, out of range or too long)."));

    /// <summary>How a failure is answered.</summary>
    public enum Outcome
    {
        Internal,
        Unavailable,
        Conflict,
        BadData,
    }

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
            var name = context.FunctionDefinition.Name;
            var reason = ex.GetType().Name + (Find<PostgresException>(ex) is { } pg ? $" {pg.SqlState}" : "") + ": " + ex.Message;
            switch (Classify(ex))
            {
                case Outcome.Conflict:
                    // A race the pre-checks could not see (e.g. two requests adding the same member): nothing was written.
                    log.LogInformation("{Function}: lost a race to a concurrent change: {Error}", name, reason);
                    await Conflict.ExecuteAsync(http);
                    return;
                case Outcome.BadData:
                    // Input a validator let through: answer 400 (nothing was written), and fix the validator.
                    log.LogWarning("{Function}: the database refused the request's data: {Error}", name, reason);
                    await BadData.ExecuteAsync(http);
                    return;
                case Outcome.Unavailable:
                    log.LogWarning("{Function}: a dependency failed: {Error}", name, reason);
                    await Unavailable.ExecuteAsync(http);
                    return;
                default:
                    if (ex is BadHttpRequestException bad)
                    {
                        // Kestrel gave up on the request (body too large, too slow, malformed): the client's 4xx.
                        log.LogInformation("{Function}: bad request: {Error}", name, reason);
                        await new ApiProblem(new Problem(bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? ProblemKind.TooLarge : ProblemKind.Validation, "The request could not be read.")).ExecuteAsync(http);
                        return;
                    }

                    log.LogError(ex, "{Function} failed", name);
                    http.Response.StatusCode = 500;
                    await TypedResults.Problem(new ProblemDetails { Title = "Something went wrong on our side.", Status = 500, Type = ApiProblem.TypeFor(500) }).ExecuteAsync(http);
                    return;
            }
        }
    }

    /// <summary>
    /// PostgreSQL errors by SQLSTATE class (https://www.postgresql.org/docs/current/errcodes-appendix.html):
    /// 08 connection, 53 insufficient resources, 57P0x shutdown / cannot connect now, 57014 statement timeout or
    /// cancel, 58 system I/O, 55P03 lock timeout are the server being unavailable (PgBouncer reports its own
    /// failures — pool full, query_wait_timeout — as 08P01); 22 data exceptions (invalid text, out of range),
    /// 23502/23514 not-null and check violations and 54 program limits (an index row or tsvector too large) are
    /// the request's data; 23505 unique, 23P01 exclusion and 23503 foreign key violations, serialization failures
    /// and deadlocks are races. Everything else (42 syntax, XX internal) is our bug: 500.
    /// </summary>
    public static Outcome Classify(Exception ex)
    {
        if (Find<PostgresException>(ex) is { } pg)
        {
            var state = pg.SqlState;
            return state switch
            {
                PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.ExclusionViolation or PostgresErrorCodes.ForeignKeyViolation
                    or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected => Outcome.Conflict,
                PostgresErrorCodes.NotNullViolation or PostgresErrorCodes.CheckViolation => Outcome.BadData,
                PostgresErrorCodes.QueryCanceled or PostgresErrorCodes.LockNotAvailable => Outcome.Unavailable,
                _ when state.StartsWith("22", StringComparison.Ordinal) || state.StartsWith("54", StringComparison.Ordinal) => Outcome.BadData,
                _ when state.StartsWith("23", StringComparison.Ordinal) => Outcome.Conflict,
                _ when state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("53", StringComparison.Ordinal)
                    || state.StartsWith("57P0", StringComparison.Ordinal) || state.StartsWith("58", StringComparison.Ordinal) => Outcome.Unavailable,
                _ => Outcome.Internal,
            };
        }

        return IsDependencyFailure(ex) ? Outcome.Unavailable : Outcome.Internal;
    }

    /// <summary>Failures with no server answer: the connection or call never completed.</summary>
    private static bool IsDependencyFailure(Exception ex) => ex switch
    {
        // TaskCanceledException: a call that timed out (a client hanging up is filtered out before this).
        NpgsqlException or TimeoutException or SocketException or HttpRequestException or TaskCanceledException or RequestFailedException { Status: 0 or >= 500 } => true,
        DbUpdateException { InnerException: { } inner } => IsDependencyFailure(inner),
        InvalidOperationException { InnerException: { } inner } => IsDependencyFailure(inner), // EF wraps transient errors
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsDependencyFailure),
        _ => false,
    };

    private static T? Find<T>(Exception? ex)
        where T : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is T found)
            {
                return found;
            }

            if (ex is AggregateException { InnerExceptions: [var only] })
            {
                return Find<T>(only);
            }
        }

        return null;
    }
}
