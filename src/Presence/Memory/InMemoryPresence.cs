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

    public Task<PresenceState> ConnectedAsync(string username, string node, string connectionId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Update(username, e => e.Connections.Add((node, connectionId))));

    public Task<PresenceState> DisconnectedAsync(string username, string node, string connectionId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Update(username, e => e.Connections.Remove((node, connectionId))));

    /// <summary>Nothing lapses here: a socket's record goes when the socket does, in this same process.</summary>
    public Task HeartbeatAsync(string username, string node, string connectionId, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<PresenceState> GetAsync(string username, CancellationToken cancellationToken = default) => Task.FromResult(Read(username));

    public Task<IReadOnlyList<PresenceState>> GetManyAsync(IEnumerable<string> usernames, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<PresenceState>>(usernames.Distinct().Select(Read).ToList());

    private PresenceState Update(string username, Action<UserEntry> change)
    {
        var entry = _users.GetOrAdd(username, _ => new UserEntry());
        lock (entry)
        {
            change(entry);
            entry.LastSeen = clock.GetUtcNow();
            return Snapshot(username, entry);
        }
    }

    private PresenceState Read(string username)
    {
        if (!_users.TryGetValue(username, out var entry)) return new PresenceState(username, false, null, [], 0);
        lock (entry) return Snapshot(username, entry);
    }

    private static PresenceState Snapshot(string username, UserEntry entry) => new(
        username, entry.Connections.Count > 0, entry.LastSeen, entry.Connections.Select(c => c.Node).Distinct().ToList(), entry.Connections.Count);
}
