using System.Collections.Concurrent;

namespace DistaHilar.SignalREmulator;

/// <summary>
/// Hubs are matched case-insensitively (the service lower-cases them), but the name sent upstream in
/// <c>X-ASRS-Hub</c> and <c>{hub}</c> keeps the casing of the first client that connected to the hub, as the
/// official emulator does: an app that compares hub names case-sensitively fails here as it would there.
/// </summary>
internal sealed class HubNames
{
    private readonly ConcurrentDictionary<string, string> names = new(StringComparer.Ordinal);

    /// <summary>Records <paramref name="asRequested"/> unless another casing came first; returns the one that counts.</summary>
    public string Connected(string asRequested) => names.GetOrAdd(asRequested.ToLowerInvariant(), asRequested);

    /// <summary>The name sent upstream for a (lower-cased) hub.</summary>
    public string Upstream(string hub) => names.GetValueOrDefault(hub, hub);
}
