using System.Text.Json;
using DistaHilar.DevHost.Rpc;

namespace DistaHilar.DevHost;

/// <summary>A function the worker reported, with its trigger parsed from the raw binding JSON.</summary>
public sealed record FunctionDescriptor(string Name, string FunctionId, FunctionTrigger Trigger)
{
    internal RpcFunctionMetadata Metadata { get; init; } = new();

    internal static FunctionDescriptor From(RpcFunctionMetadata metadata)
    {
        FunctionTrigger? trigger = null;
        foreach (var raw in metadata.RawBindings)
        {
            using var doc = JsonDocument.Parse(raw);
            var binding = doc.RootElement;
            var type = Text(binding, "type") ?? "";
            if (!type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase))
            {
                // The DevHost writes no output bindings; failing here beats silently dropping a function's output.
                if (!string.Equals(type, "http", StringComparison.OrdinalIgnoreCase))
                {
                    throw new NotSupportedException($"Function {metadata.Name} uses a '{type}' binding; the DevHost runs triggers and HTTP results only. Use the storage SDK from Core instead.");
                }

                continue;
            }

            var parameter = Text(binding, "name") ?? "trigger";
            trigger = type.ToLowerInvariant() switch
            {
                "httptrigger" => new HttpTrigger(
                    parameter,
                    Text(binding, "route") ?? metadata.Name,
                    HostJson.Property(binding, "methods") is { ValueKind: JsonValueKind.Array } methods
                        ? methods.EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).ToArray()
                        : []),
                "queuetrigger" => new QueueTrigger(
                    parameter,
                    Text(binding, "queueName") ?? throw new InvalidDataException($"Function {metadata.Name}: queueTrigger without queueName."),
                    string.IsNullOrEmpty(Text(binding, "connection")) ? "AzureWebJobsStorage" : Text(binding, "connection")!),
                "timertrigger" => new TimerTrigger(
                    parameter,
                    Text(binding, "schedule") ?? throw new InvalidDataException($"Function {metadata.Name}: timerTrigger without schedule."),
                    HostJson.Property(binding, "runOnStartup") is { ValueKind: JsonValueKind.True }),
                _ => new OtherTrigger(parameter, type),
            };
        }

        return new FunctionDescriptor(metadata.Name, metadata.FunctionId, trigger ?? new OtherTrigger("", "none")) { Metadata = metadata };
    }

    private static string? Text(JsonElement element, string name) =>
        HostJson.Property(element, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;
}

public abstract record FunctionTrigger(string ParameterName);

/// <summary>An HTTP trigger; an empty method list means every method.</summary>
public sealed record HttpTrigger(string ParameterName, string Route, IReadOnlyList<string> Methods) : FunctionTrigger(ParameterName);

public sealed record QueueTrigger(string ParameterName, string QueueName, string Connection) : FunctionTrigger(ParameterName);

public sealed record TimerTrigger(string ParameterName, string Schedule, bool RunOnStartup) : FunctionTrigger(ParameterName);

public sealed record OtherTrigger(string ParameterName, string Type) : FunctionTrigger(ParameterName);
