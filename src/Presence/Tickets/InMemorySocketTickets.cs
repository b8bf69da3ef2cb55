using System.Collections.Concurrent;

namespace Chat.Presence.Tickets;

/// <summary>Tickets of the one process that serves every socket (embedded mode).</summary>
internal sealed class InMemorySocketTickets(TimeProvider clock) : ISocketTickets
{
    private readonly ConcurrentDictionary<string, (string Username, DateTimeOffset ExpiresAt)> _tickets = new(StringComparer.Ordinal);

    public Task<string> IssueAsync(string username, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        // Expired tickets nobody came for go whenever a new one is issued, so the map stays small.
        foreach (var (key, entry) in _tickets)
            if (entry.ExpiresAt <= now) _tickets.TryRemove(key, out _);
        var ticket = SocketTicket.New();
        _tickets[SocketTicket.Key(ticket)] = (username, now + lifetime);
        return Task.FromResult(ticket);
    }

    /// <summary>TryRemove is the one-use guarantee: of two redeemers racing, one removes it.</summary>
    public Task<string?> RedeemAsync(string ticket, CancellationToken cancellationToken = default)
    {
        if (!SocketTicket.LooksValid(ticket) || !_tickets.TryRemove(SocketTicket.Key(ticket), out var entry)) return Task.FromResult<string?>(null);
        return Task.FromResult(entry.ExpiresAt > clock.GetUtcNow() ? entry.Username : null);
    }
}
