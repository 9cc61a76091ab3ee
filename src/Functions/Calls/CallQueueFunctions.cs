using DistaHilar.Core.Calls;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Calls;

public sealed class CallQueueFunctions(CallService calls, CallDisconnects disconnects)
{
    /// <summary>A call's ring timeout (queued with a delay when it started): still ringing → missed. Idempotent.</summary>
    [Function("CallTimeout")]
    public Task Run([QueueTrigger(CallService.TimeoutQueue)] CallTimeout timeout, CancellationToken ct) => calls.TimeOutAsync(timeout, ct);

    /// <summary>A participant went offline a grace period ago: unless they are back, their call ends. Idempotent.</summary>
    [Function("CallDisconnect")]
    public Task Disconnected([QueueTrigger(CallDisconnects.Queue)] CallDisconnect disconnect, CancellationToken ct) => disconnects.GraceOverAsync(disconnect, ct);
}
