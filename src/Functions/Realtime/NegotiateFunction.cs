using DistaHilar.Core.Common;
using DistaHilar.Core.Realtime;
using DistaHilar.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Realtime;

public sealed class NegotiateFunction(SignalRService signalR)
{
    private static readonly Problem NotConfigured = new(ProblemKind.Unavailable, "Realtime is not configured on this server.", RetryAfter: TimeSpan.FromMinutes(5));

    /// <summary>The official SignalR clients call this, then connect to the service with the returned url and token.</summary>
    [Function("Negotiate")]
    public async Task<Results<Ok<NegotiateResponse>, ApiProblem>> Negotiate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "negotiate")] HttpRequest request, FunctionContext context, CancellationToken ct) =>
        signalR.IsConfigured
            ? TypedResults.Ok(await signalR.NegotiateAsync(context.Caller().UserId.ToString(), ct))
            : new ApiProblem(NotConfigured);
}
