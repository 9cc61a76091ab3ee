using System.Text.Json;
using DistaHilar.DevHost.Rpc;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DistaHilar.DevHost;

/// <summary>
/// <c>POST /admin/functions/{name}</c> with <c>{"input":"..."}</c>: runs a non-HTTP function once, as the Functions
/// host's admin API does (202 Accepted, the run continues in the background).
/// </summary>
internal sealed class AdminInvoker(IReadOnlyList<FunctionDescriptor> functions, WorkerChannel channel, ILogger log, CancellationToken stopping)
{
    public async Task<IResult> HandleAsync(string name, HttpRequest request)
    {
        var function = Find(name);
        if (function is null)
        {
            return Results.Problem(statusCode: 404, title: $"No function named '{name}'.");
        }

        if (function.Trigger is HttpTrigger)
        {
            return Results.Problem(statusCode: 400, title: "HTTP-triggered functions are called through their route, not the admin API.");
        }

        string input;
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            input = body.RootElement.TryGetProperty("input", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
        }
        catch (JsonException)
        {
            return Results.Problem(statusCode: 400, title: "The body must be JSON: {\"input\": \"...\"}.");
        }

        _ = InvokeAsync(function.Name, input, stopping);
        return Results.Accepted();
    }

    /// <summary>Runs the function and reports whether it succeeded.</summary>
    public async Task<bool> InvokeAsync(string name, string input, CancellationToken ct)
    {
        var function = Find(name) ?? throw new ArgumentException($"No function named '{name}'.", nameof(name));
        var payload = function.Trigger is TimerTrigger
            ? TimerListener.TimerInfoPayload(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null)
            : Invocations.Payload(input);
        var request = Invocations.New(function, Guid.NewGuid().ToString(), payload);
        if (function.Trigger is QueueTrigger)
        {
            request.TriggerMetadata["QueueTrigger"] = new TypedData { String = input };
            request.TriggerMetadata["DequeueCount"] = Invocations.Json(1);
            request.TriggerMetadata["Id"] = new TypedData { String = Guid.NewGuid().ToString() };
        }

        try
        {
            var response = await channel.InvokeAsync(request, ct);
            var ok = response.Result.Status == StatusResult.Types.Status.Success;
            if (!ok)
            {
                log.LogError("Admin run of {Function} failed: {Error}", function.Name, response.Result.Exception?.Message);
            }

            return ok;
        }
        catch (Exception ex) when (ex is WorkerUnavailableException or OperationCanceledException)
        {
            log.LogWarning("Admin run of {Function} did not finish: {Reason}", function.Name, ex.Message);
            return false;
        }
    }

    private FunctionDescriptor? Find(string name) =>
        functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
}
