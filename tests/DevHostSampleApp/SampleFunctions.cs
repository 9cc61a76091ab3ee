using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace DevHostSampleApp;

/// <summary>Functions whose effects the DevHost tests can observe: echoed requests and blobs written per run.</summary>
public sealed class SampleFunctions(BlobContainerClient results)
{
    [Function("Echo")]
    public static async Task<Ok<EchoResponse>> Echo(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "echo/{id}/{kind:alpha?}")] HttpRequest request,
        string id,
        string? kind,
        FunctionContext context)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(context.CancellationToken);
        return TypedResults.Ok(new EchoResponse(
            id,
            kind,
            request.Method,
            request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
            body,
            request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "",
            context.InvocationId));
    }

    [Function("QueueOk")]
    public async Task QueueOk([QueueTrigger("devhost-ok")] string message, long dequeueCount, CancellationToken ct)
    {
        await results.CreateIfNotExistsAsync(cancellationToken: ct);
        await results.UploadBlobAsync($"ok/{message}", BinaryData.FromString(dequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture)), ct);
    }

    [Function("QueueFail")]
    public async Task QueueFail([QueueTrigger("devhost-fail")] string message, long dequeueCount, CancellationToken ct)
    {
        await results.CreateIfNotExistsAsync(cancellationToken: ct);
        await results.UploadBlobAsync($"fail/{message}/{dequeueCount}", BinaryData.FromString("attempt"), ct);
        throw new InvalidOperationException($"{message} always fails (attempt {dequeueCount}).");
    }

    [Function("Tick")]
    public async Task Tick([TimerTrigger("0 0 0 1 1 *")] TimerInfo timer, CancellationToken ct)
    {
        await results.CreateIfNotExistsAsync(cancellationToken: ct);
        await results.GetBlobClient($"timer/{Guid.NewGuid()}").UploadAsync(BinaryData.FromString(timer.IsPastDue.ToString()), ct);
    }
}

public sealed record EchoResponse(string Id, string? Kind, string Method, Dictionary<string, string> Query, string Body, string ClientIp, string InvocationId);
