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

    /// <summary>Paging parameters from the query string.</summary>
    public static Result<PageRequest> Page(this HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return PageRequest.Parse(request.Query["limit"], request.Query["cursor"]);
    }
}
