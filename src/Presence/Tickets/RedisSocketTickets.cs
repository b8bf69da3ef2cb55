using Chat.Shared;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace Chat.Presence.Tickets;

/// <summary>Tickets in the presence Redis: a key with the ticket's lifetime as TTL, redeemed with GETDEL (atomic: one node wins).</summary>
internal sealed class RedisSocketTickets(IConnectionMultiplexer redis, RedisKeyspace keyspace) : ISocketTickets
{
    private IDatabase Db => redis.GetDatabase().WithKeyPrefix(keyspace.Prefix);

    public async Task<string> IssueAsync(string username, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        var ticket = SocketTicket.New();
        await Db.StringSetAsync(SocketTicket.Key(ticket), username, lifetime, When.NotExists);
        return ticket;
    }

    public async Task<string?> RedeemAsync(string ticket, CancellationToken cancellationToken = default)
    {
        if (!SocketTicket.LooksValid(ticket)) return null;
        var username = await Db.StringGetDeleteAsync(SocketTicket.Key(ticket));
        return username.IsNullOrEmpty ? null : username.ToString();
    }
}
