using DistaHilar.Core.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DistaHilar.Functions.Http;

/// <summary>The two shapes every function answers with: the success value, or a problem.</summary>
public static class ResultMapping
{
    public static Results<Ok<T>, ApiProblem> OkOr<T>(this Result<T> result) =>
        result.IsSuccess ? TypedResults.Ok(result.Value) : new ApiProblem(result.Problem);

    public static Results<NoContent, ApiProblem> NoContentOr(this Result<Done> result) =>
        result.IsSuccess ? TypedResults.NoContent() : new ApiProblem(result.Problem);

    /// <summary>204 for an operation whose value the route does not return.</summary>
    public static Results<NoContent, ApiProblem> NoContentOr<T>(this Result<T> result) =>
        result.IsSuccess ? TypedResults.NoContent() : new ApiProblem(result.Problem);

    /// <summary>202: accepted for work that happens later (with where to watch it), or the problem.</summary>
    public static Results<Accepted<T>, ApiProblem> AcceptedOr<T>(this Result<T> result, Func<T, string> location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return result.IsSuccess ? TypedResults.Accepted(location(result.Value), result.Value) : new ApiProblem(result.Problem);
    }

    /// <summary>201 with a Location, or the problem.</summary>
    public static Results<Created<T>, ApiProblem> CreatedOr<T>(this Result<T> result, Func<T, string> location)
    {
        ArgumentNullException.ThrowIfNull(location);
        return result.IsSuccess ? TypedResults.Created(location(result.Value), result.Value) : new ApiProblem(result.Problem);
    }

    /// <summary>For idempotent creations: 201 with a Location when the value is new, 200 when it already existed.</summary>
    public static Results<Created<T>, Ok<T>, ApiProblem> CreatedOrOk<T>(this Result<(T Value, bool Created)> result, Func<T, string> location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (!result.IsSuccess)
        {
            return new ApiProblem(result.Problem);
        }

        var (value, created) = result.Value;
        return created ? TypedResults.Created(location(value), value) : TypedResults.Ok(value);
    }

    /// <summary>Paging parameters from the query string.</summary>
    public static Result<PageRequest> Page(this HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return PageRequest.Parse(request.Query["limit"], request.Query["cursor"]);
    }
}
