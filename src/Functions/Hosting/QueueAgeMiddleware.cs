using System.Globalization;
using DistaHilar.Core.Telemetry;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace DistaHilar.Functions.Hosting;

/// <summary>
/// Records how long each queue message waited, from the insertion time its trigger metadata carries to the start of
/// its function (<see cref="AppMetrics.QueueMessageAge"/>): a growing age is a backlog the instances do not keep up with.
/// For a delayed message (a ring timeout) the age includes its delay.
/// </summary>
public sealed class QueueAgeMiddleware(AppMetrics metrics, TimeProvider time) : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (IsQueueTriggered(context.FunctionDefinition) && InsertionTime(context.BindingContext.BindingData) is { } inserted)
        {
            metrics.QueueMessageWaited(context.FunctionDefinition.Name, time.GetUtcNow() - inserted);
        }

        return next(context);
    }

    private static bool IsQueueTriggered(FunctionDefinition function) =>
        function.InputBindings.Values.Any(b => string.Equals(b.Type, "queueTrigger", StringComparison.OrdinalIgnoreCase));

    /// <summary>The host sends it as JSON (a quoted ISO 8601 string); the worker hands it over as that text.</summary>
    private static DateTimeOffset? InsertionTime(IReadOnlyDictionary<string, object?> data) =>
        data.TryGetValue("InsertionTime", out var value) ? value switch
        {
            DateTimeOffset at => at,
            DateTime at => new DateTimeOffset(at, TimeSpan.Zero),
            string text when DateTimeOffset.TryParse(text.Trim('"'), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) => at,
            _ => null,
        } : null;
}
