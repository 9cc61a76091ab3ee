using System.Globalization;
using DistaHilar.Core.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace DistaHilar.Functions.Http;

/// <summary>An RFC 7807 problem response for a Core <see cref="Problem"/>, with Retry-After where it applies.</summary>
public sealed class ApiProblem(Problem problem) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => StatusFor(problem.Kind);

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

        if (problem.Kind == ProblemKind.Unauthorized)
        {
            httpContext.Response.Headers.WWWAuthenticate = "Bearer";
        }

        var details = problem.Fields is { Count: > 0 } fields
            ? new HttpValidationProblemDetails(fields.ToDictionary(f => f.Key, f => f.Value)) { Title = problem.Title, Status = StatusCode }
            : new ProblemDetails { Title = problem.Title, Status = StatusCode };
        // ASP.NET Core fills in `type` for most statuses, but not for 429 (RFC 6585).
        if (problem.Kind == ProblemKind.RateLimited)
        {
            details.Type = "https://tools.ietf.org/html/rfc6585#section-4";
        }
        return TypedResults.Problem(details).ExecuteAsync(httpContext);
    }
}
