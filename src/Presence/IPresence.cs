namespace Chat.Presence;

public sealed record PresenceState(string Username, bool Online, DateTimeOffset? LastSeen, IReadOnlyCollection<string> Nodes);

/// <summary>Who is online, on which gateway node, and when they were last seen (in-process now; Redis in distributed mode).</summary>
public interface IPresence
{
    Task ConnectedAsync(string username, string node, string connectionId, CancellationToken cancellationToken = default);

    Task DisconnectedAsync(string username, string node, string connectionId, CancellationToken cancellationToken = default);

    Task<PresenceState> GetAsync(string username, CancellationToken cancellationToken = default);
}
