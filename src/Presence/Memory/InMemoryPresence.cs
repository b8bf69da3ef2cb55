using System.Collections.Concurrent;

namespace Chat.Presence.Memory;

/// <summary>Presence for one process: every connection lives here, so nothing can go stale.</summary>
internal sealed class InMemoryPresence(TimeProvider clock) : IPresence
{
    private readonly ConcurrentDictionary<string, UserEntry> _users = new(StringComparer.Ordinal);

    private sealed class UserEntry
    {
        public readonly HashSet<(string Node, string Connection)> Connections = [];
        public DateTimeOffset? LastSeen;
    }

    public Task ConnectedAsync(string username, string node, string connectionId, CancellationToken cancellationToken = default)
    {
        var entry = _users.GetOrAdd(username, _ => new UserEntry());
        lock (entry)
        {
            entry.Connections.Add((node, connectionId));
            entry.LastSeen = clock.GetUtcNow();
        }
        return Task.CompletedTask;
    }

    public Task DisconnectedAsync(string username, string node, string connectionId, CancellationToken cancellationToken = default)
    {
        if (_users.TryGetValue(username, out var entry))
            lock (entry)
            {
                entry.Connections.Remove((node, connectionId));
                entry.LastSeen = clock.GetUtcNow();
            }
        return Task.CompletedTask;
    }

    public Task<PresenceState> GetAsync(string username, CancellationToken cancellationToken = default)
    {
        if (!_users.TryGetValue(username, out var entry)) return Task.FromResult(new PresenceState(username, false, null, []));
        lock (entry)
            return Task.FromResult(new PresenceState(username, entry.Connections.Count > 0, entry.LastSeen,
                entry.Connections.Select(c => c.Node).Distinct().ToList()));
    }
}
