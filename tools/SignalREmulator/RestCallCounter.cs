namespace DistaHilar.SignalREmulator;

/// <summary>
/// How many requests the emulator's server-side REST API received, by kind (e.g. for a benchmark to count the app's
/// calls). A request counts by its route, whether it succeeded or was refused.
/// </summary>
/// <param name="SendToGroup">POST …/groups/{group}/:send.</param>
/// <param name="SendToUser">POST …/users/{user}/:send.</param>
/// <param name="GroupMembership">Adding, removing or checking a user's or a connection's group membership.</param>
/// <param name="Other">The rest: sends to everyone or to one connection, existence checks, closing connections, health, unknown routes.</param>
public sealed record RestCalls(long SendToGroup, long SendToUser, long GroupMembership, long Other)
{
    public long Total => SendToGroup + SendToUser + GroupMembership + Other;

    /// <summary>The calls made since an earlier reading.</summary>
    public RestCalls Since(RestCalls earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        return new(SendToGroup - earlier.SendToGroup, SendToUser - earlier.SendToUser, GroupMembership - earlier.GroupMembership, Other - earlier.Other);
    }
}

internal enum RestCallKind
{
    SendToGroup,
    SendToUser,
    GroupMembership,
    Other,
}

/// <summary>The running totals behind <see cref="SignalREmulator.RestCalls"/>; lock-free, as every request bumps one.</summary>
internal sealed class RestCallCounter
{
    private readonly long[] counts = new long[4];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> groupSends = new(StringComparer.Ordinal);

    public RestCalls Read() => new(
        Interlocked.Read(ref counts[(int)RestCallKind.SendToGroup]),
        Interlocked.Read(ref counts[(int)RestCallKind.SendToUser]),
        Interlocked.Read(ref counts[(int)RestCallKind.GroupMembership]),
        Interlocked.Read(ref counts[(int)RestCallKind.Other]));

    public long SendsToGroup(string group) => groupSends.TryGetValue(group, out var n) ? n : 0;

    public void Count(RestCallKind kind, string? group)
    {
        Interlocked.Increment(ref counts[(int)kind]);
        if (group is not null)
        {
            groupSends.AddOrUpdate(group, 1, (_, n) => n + 1);
        }
    }
}
