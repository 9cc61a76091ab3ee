using System.Text.Json;

namespace DistaHilar.SignalREmulator;

/// <summary>
/// Who is connected and who is in which group, per hub. User memberships live on without connections (the
/// service keeps them while the user is offline); connection memberships die with the connection.
/// One lock: every operation is a few dictionary steps, so contention is not worth finer locking.
/// </summary>
internal sealed class Registry(TimeProvider time)
{
    // The service keeps only the newest 100 memberships without a ttl per user.
    private const int MaxPermanentGroupsPerUser = 100;
    private readonly Lock gate = new();
    private readonly Dictionary<string, HubState> hubs = new(StringComparer.Ordinal);

    public void Add(ClientConnection connection)
    {
        lock (gate)
        {
            var hub = Hub(connection.Hub);
            hub.Connections[connection.Id] = connection;
            if (connection.UserId is { } user)
            {
                Set(hub.UserConnections, user).Add(connection);
            }
        }
    }

    public void Remove(ClientConnection connection)
    {
        lock (gate)
        {
            var hub = Hub(connection.Hub);
            if (!hub.Connections.Remove(connection.Id))
            {
                return;
            }

            if (connection.UserId is { } user)
            {
                RemoveFrom(hub.UserConnections, user, connection);
            }

            if (hub.ConnectionGroups.Remove(connection, out var groups))
            {
                foreach (var group in groups)
                {
                    RemoveFrom(hub.GroupConnections, group, connection);
                }
            }
        }
    }

    public ClientConnection? Find(string hub, string connectionId)
    {
        lock (gate)
        {
            return Hub(hub).Connections.GetValueOrDefault(connectionId);
        }
    }

    public List<ClientConnection> All(string hub)
    {
        lock (gate)
        {
            return [.. Hub(hub).Connections.Values];
        }
    }

    public List<ClientConnection> OfUser(string hub, string user)
    {
        lock (gate)
        {
            return [.. Hub(hub).UserConnections.GetValueOrDefault(user) ?? []];
        }
    }

    /// <summary>Connections added to the group themselves plus every connection of a user in the group.</summary>
    public List<ClientConnection> InGroup(string hub, string group)
    {
        lock (gate)
        {
            var state = Hub(hub);
            var result = new HashSet<ClientConnection>(state.GroupConnections.GetValueOrDefault(group) ?? []);
            foreach (var user in state.GroupUsers.GetValueOrDefault(group)?.ToList() ?? [])
            {
                if (IsMember(state, user, group))
                {
                    result.UnionWith(state.UserConnections.GetValueOrDefault(user) ?? []);
                }
            }

            return [.. result];
        }
    }

    public bool IsUserConnected(string hub, string user)
    {
        lock (gate)
        {
            return Hub(hub).UserConnections.ContainsKey(user);
        }
    }

    public bool IsUserInGroup(string hub, string user, string group)
    {
        lock (gate)
        {
            return IsMember(Hub(hub), user, group);
        }
    }

    public bool GroupHasConnections(string hub, string group) => InGroup(hub, group).Count > 0;

    public void AddUserToGroup(string hub, string user, string group, TimeSpan? ttl)
    {
        lock (gate)
        {
            var state = Hub(hub);
            var now = time.GetUtcNow();
            var groups = state.UserGroups.TryGetValue(user, out var existing) ? existing : state.UserGroups[user] = new(StringComparer.Ordinal);
            groups[group] = new Membership(now, ttl is { } t ? now + t : null);
            Set(state.GroupUsers, group).Add(user);

            var permanent = groups.Where(g => g.Value.Expires is null).OrderBy(g => g.Value.Added).ToList();
            foreach (var oldest in permanent.Take(Math.Max(0, permanent.Count - MaxPermanentGroupsPerUser)))
            {
                RemoveMembership(state, user, oldest.Key);
            }
        }
    }

    public void RemoveUserFromGroup(string hub, string user, string group)
    {
        lock (gate)
        {
            RemoveMembership(Hub(hub), user, group);
        }
    }

    public void RemoveUserFromAllGroups(string hub, string user)
    {
        lock (gate)
        {
            var state = Hub(hub);
            foreach (var group in state.UserGroups.GetValueOrDefault(user)?.Keys.ToList() ?? [])
            {
                RemoveMembership(state, user, group);
            }
        }
    }

    /// <summary>False when the connection is not connected to this hub.</summary>
    public bool AddConnectionToGroup(string hub, string group, string connectionId)
    {
        lock (gate)
        {
            var state = Hub(hub);
            if (!state.Connections.TryGetValue(connectionId, out var connection))
            {
                return false;
            }

            Set(state.GroupConnections, group).Add(connection);
            Set(state.ConnectionGroups, connection).Add(group);
            return true;
        }
    }

    /// <summary>False when the connection is not connected to this hub.</summary>
    public bool RemoveConnectionFromGroup(string hub, string group, string connectionId)
    {
        lock (gate)
        {
            var state = Hub(hub);
            if (!state.Connections.TryGetValue(connectionId, out var connection))
            {
                return false;
            }

            RemoveFrom(state.GroupConnections, group, connection);
            RemoveFrom(state.ConnectionGroups, connection, group);
            return true;
        }
    }

    public bool RemoveConnectionFromAllGroups(string hub, string connectionId)
    {
        lock (gate)
        {
            var state = Hub(hub);
            if (!state.Connections.TryGetValue(connectionId, out var connection))
            {
                return false;
            }

            foreach (var group in state.ConnectionGroups.GetValueOrDefault(connection)?.ToList() ?? [])
            {
                RemoveConnectionFromGroup(hub, group, connectionId);
            }

            return true;
        }
    }

    /// <summary>Writes the user-to-group memberships (what the real service keeps across its own restarts) to a file.</summary>
    public void Save(string path)
    {
        Dictionary<string, Dictionary<string, Dictionary<string, Membership>>> snapshot;
        lock (gate)
        {
            snapshot = hubs.ToDictionary(h => h.Key, h => h.Value.UserGroups.ToDictionary(u => u.Key, u => new Dictionary<string, Membership>(u.Value)));
        }

        File.WriteAllText(path, JsonSerializer.Serialize(snapshot));
    }

    /// <summary>Restores what <see cref="Save"/> wrote; a missing file is an empty registry.</summary>
    public void Load(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        var snapshot = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, Dictionary<string, Membership>>>>(File.ReadAllText(path)) ?? [];
        lock (gate)
        {
            foreach (var (hub, users) in snapshot)
            {
                var state = Hub(hub);
                foreach (var (user, groups) in users)
                {
                    state.UserGroups[user] = new Dictionary<string, Membership>(groups, StringComparer.Ordinal);
                    foreach (var group in groups.Keys)
                    {
                        Set(state.GroupUsers, group).Add(user);
                    }
                }
            }
        }
    }

    private bool IsMember(HubState state, string user, string group)
    {
        if (state.UserGroups.GetValueOrDefault(user)?.GetValueOrDefault(group) is not { } membership)
        {
            return false;
        }

        if (membership.Expires is { } expires && expires <= time.GetUtcNow())
        {
            RemoveMembership(state, user, group);
            return false;
        }

        return true;
    }

    private static void RemoveMembership(HubState state, string user, string group)
    {
        if (state.UserGroups.TryGetValue(user, out var groups) && groups.Remove(group) && groups.Count == 0)
        {
            state.UserGroups.Remove(user);
        }

        RemoveFrom(state.GroupUsers, group, user);
    }

    private HubState Hub(string name) => hubs.TryGetValue(name, out var hub) ? hub : hubs[name] = new HubState();

    private static HashSet<TValue> Set<TKey, TValue>(Dictionary<TKey, HashSet<TValue>> map, TKey key)
        where TKey : notnull =>
        map.TryGetValue(key, out var set) ? set : map[key] = [];

    private static void RemoveFrom<TKey, TValue>(Dictionary<TKey, HashSet<TValue>> map, TKey key, TValue value)
        where TKey : notnull
    {
        if (map.TryGetValue(key, out var set) && set.Remove(value) && set.Count == 0)
        {
            map.Remove(key);
        }
    }

    private sealed record Membership(DateTimeOffset Added, DateTimeOffset? Expires);

    private sealed class HubState
    {
        public Dictionary<string, ClientConnection> Connections { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, HashSet<ClientConnection>> UserConnections { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Dictionary<string, Membership>> UserGroups { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, HashSet<string>> GroupUsers { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, HashSet<ClientConnection>> GroupConnections { get; } = new(StringComparer.Ordinal);

        public Dictionary<ClientConnection, HashSet<string>> ConnectionGroups { get; } = [];
    }
}
