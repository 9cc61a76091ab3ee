using System.Globalization;
using DistaHilar.Core.Common;
using DistaHilar.Core.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace DistaHilar.Functions.Http;

/// <summary>
/// An RFC 7807 problem response for a Core <see cref="Problem"/>, with Retry-After where it applies. Every problem
/// has a <c>type</c>: the section of the RFC that defines its status, set here for every status we answer with
/// (ASP.NET Core's defaults have none for 429), so clients can switch on it.
/// </summary>
public sealed class ApiProblem(Problem problem) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => StatusFor(problem.Kind);

    /// <summary>The problem type URI of each status the API answers with.</summary>
    public static string TypeFor(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        415 => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        422 => "https://tools.ietf.org/html/rfc4918#section-11.2", // ASP.NET Core's default, kept: clients may switch on it
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        500 => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
        503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        _ => "about:blank",
    };

    public static int StatusFor(ProblemKind kind) => kind switch
    {
        ProblemKind.Validation => StatusCodes.Status400BadRequest,
        ProblemKind.Unauthorized => StatusCodes.Status401Unauthorized,
        ProblemKind.Forbidden => StatusCodes.Status403Forbidden,
        ProblemKind.NotFound => StatusCodes.Status404NotFound,
        ProblemKind.Conflict => StatusCodes.Status409Conflict,
        ProblemKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ProblemKind.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        ProblemKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        ProblemKind.RateLimited => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status503ServiceUnavailable,
    };

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (problem.RetryAfter is { } wait)
        {
            httpContext.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        if (problem.Kind == ProblemKind.RateLimited)
        {
            httpContext.RequestServices.GetService<AppMetrics>()?.RateLimitRefused();
        }

        if (problem.Kind == ProblemKind.Unauthorized)
        {
            httpContext.Response.Headers.WWWAuthenticate = "Bearer";
        }

        var details = problem.Fields is { Count: > 0 } fields
            ? new HttpValidationProblemDetails(fields.ToDictionary(f => f.Key, f => f.Value)) { Title = problem.Title, Status = StatusCode, Type = TypeFor(StatusCode!.Value) }
            : new ProblemDetails { Title = problem.Title, Status = StatusCode, Type = TypeFor(StatusCode!.Value) };
        return TypedResults.Problem(details).ExecuteAsync(httpContext);
    }
}
