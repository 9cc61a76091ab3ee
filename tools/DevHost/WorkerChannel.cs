using System.Collections.Concurrent;
using System.Threading.Channels;
using DistaHilar.DevHost.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace DistaHilar.DevHost;

/// <summary>
/// The host's end of the worker's single bidirectional gRPC stream: one writer loop serialises
/// outbound messages, and inbound ones complete whichever request is waiting for them.
/// </summary>
internal sealed class WorkerChannel(ILogger workerLog, LogFilter filter)
{
    private readonly Channel<StreamingMessage> outbound = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationResponse>> invocations = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<FunctionLoadResponse>> loads = new();
    private readonly TaskCompletionSource<StartStream> started = NewSource<StartStream>();
    private readonly TaskCompletionSource<WorkerInitResponse> initialized = NewSource<WorkerInitResponse>();
    private readonly TaskCompletionSource<FunctionMetadataResponse> metadata = NewSource<FunctionMetadataResponse>();
    private readonly TaskCompletionSource ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int connected;

    public Task<StartStream> Started => started.Task;

    public Task<WorkerInitResponse> Initialized => initialized.Task;

    public Task<FunctionMetadataResponse> Metadata => metadata.Task;

    /// <summary>Completes when the worker's stream is gone (the worker exited or disconnected).</summary>
    public Task Ended => ended.Task;

    public async Task RunStreamAsync(IAsyncStreamReader<StreamingMessage> requests, IServerStreamWriter<StreamingMessage> responses, CancellationToken ct)
    {
        if (Interlocked.Exchange(ref connected, 1) == 1)
        {
            throw new Grpc.Core.RpcException(new Status(StatusCode.AlreadyExists, "A worker is already connected to this host."));
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writer = WriteLoopAsync(responses, stop.Token);
        try
        {
            await foreach (var message in requests.ReadAllAsync(ct))
            {
                Dispatch(message);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or Grpc.Core.RpcException)
        {
            workerLog.LogDebug(ex, "Worker stream closed");
        }
        finally
        {
            await stop.CancelAsync();
            await writer;
            Close(new WorkerUnavailableException("The worker's stream ended."));
        }
    }

    public ValueTask SendAsync(StreamingMessage message, CancellationToken ct = default) => outbound.Writer.WriteAsync(message, ct);

    public async Task<FunctionLoadResponse> LoadAsync(FunctionLoadRequest request, CancellationToken ct)
    {
        var source = loads.GetOrAdd(request.FunctionId, _ => NewSource<FunctionLoadResponse>());
        await SendAsync(new StreamingMessage { RequestId = NewId(), FunctionLoadRequest = request }, ct);
        return await source.Task.WaitAsync(ct);
    }

    /// <summary>Sends an invocation and waits for the worker's response to it.</summary>
    public async Task<InvocationResponse> InvokeAsync(InvocationRequest request, CancellationToken ct)
    {
        var source = NewSource<InvocationResponse>();
        invocations[request.InvocationId] = source;
        try
        {
            // Checked after registering, so a stream that ends in between still fails this invocation.
            if (ended.Task.IsCompleted)
            {
                throw new WorkerUnavailableException("The worker is not running.");
            }

            await SendAsync(new StreamingMessage { RequestId = NewId(), InvocationRequest = request }, ct);
            return await source.Task.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            // Tell the worker so a function that honours its CancellationToken can stop early.
            await SendAsync(new StreamingMessage { RequestId = NewId(), InvocationCancel = new InvocationCancel { InvocationId = request.InvocationId } }, CancellationToken.None);
            throw;
        }
        finally
        {
            invocations.TryRemove(request.InvocationId, out _);
        }
    }

    public static string NewId() => Guid.NewGuid().ToString();

    private async Task WriteLoopAsync(IServerStreamWriter<StreamingMessage> responses, CancellationToken ct)
    {
        try
        {
            await foreach (var message in outbound.Reader.ReadAllAsync(ct))
            {
                await responses.WriteAsync(message, ct);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            workerLog.LogDebug(ex, "Worker stream writer stopped");
        }
    }

    private void Dispatch(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case StreamingMessage.ContentOneofCase.RpcLog:
                Log(message.RpcLog);
                break;
            case StreamingMessage.ContentOneofCase.StartStream:
                started.TrySetResult(message.StartStream);
                break;
            case StreamingMessage.ContentOneofCase.WorkerInitResponse:
                initialized.TrySetResult(message.WorkerInitResponse);
                break;
            case StreamingMessage.ContentOneofCase.FunctionMetadataResponse:
                metadata.TrySetResult(message.FunctionMetadataResponse);
                break;
            case StreamingMessage.ContentOneofCase.FunctionLoadResponse:
                CompleteLoad(message.FunctionLoadResponse);
                break;
            case StreamingMessage.ContentOneofCase.FunctionLoadResponseCollection:
                foreach (var response in message.FunctionLoadResponseCollection.FunctionLoadResponses)
                {
                    CompleteLoad(response);
                }

                break;
            case StreamingMessage.ContentOneofCase.InvocationResponse:
                if (invocations.TryRemove(message.InvocationResponse.InvocationId, out var source))
                {
                    source.TrySetResult(message.InvocationResponse);
                }

                break;
            default:
                workerLog.LogDebug("Ignored worker message {Kind}", message.ContentCase);
                break;
        }
    }

    private void CompleteLoad(FunctionLoadResponse response) =>
        loads.GetOrAdd(response.FunctionId, _ => NewSource<FunctionLoadResponse>()).TrySetResult(response);

    private void Log(RpcLog log)
    {
        var level = log.Level switch
        {
            RpcLog.Types.Level.Trace => LogLevel.Trace,
            RpcLog.Types.Level.Debug => LogLevel.Debug,
            RpcLog.Types.Level.Information => LogLevel.Information,
            RpcLog.Types.Level.Warning => LogLevel.Warning,
            RpcLog.Types.Level.Error => LogLevel.Error,
            RpcLog.Types.Level.Critical => LogLevel.Critical,
            _ => LogLevel.None,
        };
        if (!filter.IsEnabled(log.Category, level))
        {
            return;
        }

        if (log.Exception is { } ex)
        {
            workerLog.Log(level, "{Category}: {Message}\n{Exception}", log.Category, log.Message, ex.Message + "\n" + ex.StackTrace);
        }
        else
        {
            workerLog.Log(level, "{Category}: {Message}", log.Category, log.Message);
        }
    }

    private void Close(Exception reason)
    {
        ended.TrySetResult();
        started.TrySetException(reason);
        initialized.TrySetException(reason);
        metadata.TrySetException(reason);
        foreach (var source in loads.Values)
        {
            source.TrySetException(reason);
        }

        foreach (var source in invocations.Values)
        {
            source.TrySetException(reason);
        }

        outbound.Writer.TryComplete();
    }

    private static TaskCompletionSource<T> NewSource<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>The worker process is gone or never connected.</summary>
public sealed class WorkerUnavailableException(string message) : Exception(message);

internal sealed class FunctionRpcService(WorkerChannel channel) : FunctionRpc.FunctionRpcBase
{
    public override Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context) =>
        channel.RunStreamAsync(requestStream, responseStream, context.CancellationToken);
}
