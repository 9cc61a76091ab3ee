using DistaHilar.Core.Calls;
using DistaHilar.Core.Common;
using DistaHilar.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Calls;

public sealed class CallFunctions(CallService calls, CallSignals signals, IceServerCredentials iceServers)
{
    /// <summary>201 ringing (the callee's devices get <c>call.incoming</c>), or 201 busy when either side is in a call.</summary>
    [Function("StartCall")]
    public async Task<Results<Created<CallView>, ApiProblem>> Start(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "calls")] HttpRequest request, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<StartCallRequest>(request, ct);
        return (body.IsSuccess ? await calls.StartAsync(context.Caller(), body.Value, ct) : body.Problem).CreatedOr(call => $"/api/calls/{call.Id}");
    }

    [Function("AcceptCall")]
    public async Task<Results<Ok<CallView>, ApiProblem>> Accept(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "calls/{callId}/accept")] HttpRequest request, Guid callId, FunctionContext context, CancellationToken ct) =>
        (await calls.AcceptAsync(context.Caller(), callId, ct)).OkOr();

    [Function("RejectCall")]
    public async Task<Results<Ok<CallView>, ApiProblem>> Reject(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "calls/{callId}/reject")] HttpRequest request, Guid callId, FunctionContext context, CancellationToken ct) =>
        (await calls.RejectAsync(context.Caller(), callId, ct)).OkOr();

    [Function("EndCall")]
    public async Task<Results<Ok<CallView>, ApiProblem>> End(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "calls/{callId}/end")] HttpRequest request, Guid callId, FunctionContext context, CancellationToken ct) =>
        (await calls.EndAsync(context.Caller(), callId, ct)).OkOr();

    /// <summary>The signalling relay for clients without a realtime connection at hand (the hub method is the usual way).</summary>
    [Function("SignalCall")]
    public async Task<Results<NoContent, ApiProblem>> Signal(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "calls/{callId}/signal")] HttpRequest request, Guid callId, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<CallSignalRequest>(request, ct);
        return (body.IsSuccess ? await signals.RelayAsync(context.Caller().UserId, body.Value with { CallId = callId }, ct) : body.Problem).NoContentOr();
    }

    [Function("ListCalls")]
    public async Task<Results<Ok<Page<CallView>>, ApiProblem>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "calls")] HttpRequest request, FunctionContext context, CancellationToken ct)
    {
        var page = request.Page();
        return (page.IsSuccess ? await calls.HistoryAsync(context.Caller(), page.Value, ct) : page.Problem).OkOr();
    }

    [Function("GetIceServers")]
    public Ok<IceServers> IceServers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "calls/ice-servers")] HttpRequest request, FunctionContext context) =>
        TypedResults.Ok(iceServers.For(context.Caller()));
}
