namespace Chat.Presence;

/// <param name="Connections">Open sockets of the user, over all nodes.</param>
public sealed record PresenceState(string Username, bool Online, DateTimeOffset? LastSeen, IReadOnlyCollection<string> Nodes, int Connections);

/// <summary>Who is online, on which gateway node, and when they were last seen (in-process now; Redis in distributed mode).</summary>
public interface IPresence
{
    /// <summary>Records a new socket; returns the user's state with it counted.</summary>
    Task<PresenceState> ConnectedAsync(string username, string node, string connectionId, CancellationToken cancellationToken = default);

    /// <summary>Forgets a socket; returns the user's state without it.</summary>
    Task<PresenceState> DisconnectedAsync(string username, string node, string connectionId, CancellationToken cancellationToken = default);

    /// <summary>Keeps a socket's record alive; records not refreshed within <see cref="PresenceOptions.Ttl"/> lapse.</summary>
    Task HeartbeatAsync(string username, string node, string connectionId, CancellationToken cancellationToken = default);

    Task<PresenceState> GetAsync(string username, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PresenceState>> GetManyAsync(IEnumerable<string> usernames, CancellationToken cancellationToken = default);
}
