using System.Text.Json;
using DistaHilar.Core.Common;

namespace DistaHilar.Core.Realtime;

/// <summary>
/// Client-to-server hub methods arriving through the service's upstream, dispatched to the feature that registered
/// the method (<see cref="IHubMethod"/>). Each answers a result or a problem; the upstream function turns either into
/// the completion the client's <c>invoke()</c> resolves or rejects with.
/// </summary>
public sealed class HubMethods(IEnumerable<IHubMethod> methods)
{
    private readonly Dictionary<string, IHubMethod> byName = methods.ToDictionary(m => m.Name, StringComparer.Ordinal);

    public async Task<Result<Done>> InvokeAsync(string method, Guid? userId, string connectionId, IReadOnlyList<JsonElement> arguments, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (userId is null)
        {
            return Problem.Unauthorized("The connection has no user.");
        }

        if (!byName.TryGetValue(method, out var handler))
        {
            return Problem.NotFound($"The hub method '{method}'");
        }

        return arguments.Count == 1
            ? await handler.InvokeAsync(userId.Value, connectionId, arguments[0], ct)
            : Problem.Validation("arguments", $"{handler.Name} takes one argument {handler.Usage}.");
    }
}
