using System.Text.Json;
using DistaHilar.Core.Common;

namespace DistaHilar.Core.Realtime;

/// <summary>
/// A client-to-server hub method a feature handles (typing, call and live-room signals), registered in the
/// composition root; <see cref="HubMethods"/> finds it by name, so Realtime knows no feature.
/// </summary>
public interface IHubMethod
{
    /// <summary>The name clients invoke.</summary>
    string Name { get; }

    /// <summary>Its one argument, for the problem a call with another number of arguments gets.</summary>
    string Usage { get; }

    Task<Result<Done>> InvokeAsync(Guid userId, string connectionId, JsonElement argument, CancellationToken ct);
}
