using DistaHilar.Core.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DistaHilar.Functions.Http;

/// <summary>
/// Lets an HTTP function's response go out without waiting for the work it need not wait for (<see cref="AfterResponse"/>:
/// publishing its events, started at once), then waits for that work inside the same invocation, so the host keeps
/// the instance until it is finished. The
/// response gets a Content-Length, so the client has all of it as soon as it is written, whether or not the host in
/// front ends its own response only with the invocation. The outermost middleware: it sees every answer, problems
/// from the exception middleware included.
/// </summary>
public sealed class AfterResponseMiddleware(ILogger<AfterResponseMiddleware> log) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetHttpContext() is not { } http)
        {
            await next(context);
            return;
        }

        var afterResponse = context.InstanceServices.GetRequiredService<AfterResponse>();
        afterResponse.Detach();
        try
        {
            await next(context);
            if (afterResponse.HasWork && context.GetInvocationResult() is { Value: IResult result } invocation && !http.Response.HasStarted)
            {
                await WriteAsync(http, result);
                invocation.Value = Results.Empty; // written: the host integration has nothing left to write
            }
        }
        finally
        {
            await FinishAsync(afterResponse, context.FunctionDefinition.Name);
        }
    }

    private static async Task WriteAsync(HttpContext http, IResult result)
    {
        var body = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await result.ExecuteAsync(http);
        }
        finally
        {
            http.Response.Body = body;
        }

        http.Response.ContentLength = buffer.Length;
        buffer.Position = 0;
        await buffer.CopyToAsync(body, CancellationToken.None); // to a client that hung up, writes go nowhere
        await http.Response.CompleteAsync();
    }

    private async Task FinishAsync(AfterResponse afterResponse, string function)
    {
        try
        {
            await afterResponse.FinishAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Committed work (outbox rows): the dispatcher sends what this could not.
            log.LogWarning("{Function}: work after the response failed, left to the outbox dispatcher: {Error}", function, ex.Message);
        }
    }
}
