using DistaHilar.Core.Auth;
using DistaHilar.Core.Common;
using DistaHilar.Core.Realtime;
using DistaHilar.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Realtime;

public sealed class NegotiateFunction(RealtimeNegotiation realtime)
{
    private static readonly Problem NotConfigured = new(ProblemKind.Unavailable, "Realtime is not configured on this server.", RetryAfter: TimeSpan.FromMinutes(5));

    /// <summary>The official SignalR clients call this, then connect to the service with the returned url and token.</summary>
    [Function("Negotiate")]
    public async Task<Results<Ok<NegotiateResponse>, ApiProblem>> Negotiate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "negotiate")] HttpRequest request, FunctionContext context, CancellationToken ct) =>
        realtime.IsConfigured
            ? TypedResults.Ok(await realtime.NegotiateAsync(
                context.Caller().UserId,
                new Dictionary<string, string> { [AccessTokens.SessionClaim] = context.Caller().SessionId.ToString() },
                context.AccessTokenExpiresAt(),
                ct))
            : new ApiProblem(NotConfigured);
}
