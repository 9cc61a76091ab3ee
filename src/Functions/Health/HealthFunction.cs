using System.Globalization;
using DistaHilar.Core.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Health;

public sealed class HealthFunction(HealthService health)
{
    [Function("Health")]
    public async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        CancellationToken ct)
    {
        var report = await health.CheckAsync(ct);
        if (report.IsHealthy)
        {
            return TypedResults.Ok(report);
        }

        request.HttpContext.Response.Headers.RetryAfter = ((int)health.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
