using Chat.Shared;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace Chat.Presence.Redis;

/// <summary>
/// Presence in Redis: one key per socket (<c>presence:{user}:c:{connection}</c> → node) with a TTL
/// that heartbeats refresh, and a set of the user's socket ids. A socket whose key lapsed (its
/// node died) no longer counts, so nothing stays stale beyond the TTL.
/// </summary>
internal sealed class RedisPresence(IConnectionMultiplexer redis, RedisKeyspace keyspace, IOptions<PresenceOptions> options, TimeProvider clock) : IPresence
{
    private static readonly TimeSpan LastSeenLifetime = TimeSpan.FromDays(30);

    private IDatabase Db => redis.GetDatabase().WithKeyPrefix(keyspace.Prefix);
    private TimeSpan Ttl => options.Value.Ttl;

    private static RedisKey Connections(string user) => $"presence:{user}:connections";
    private static RedisKey Connection(string user, string connectionId) => $"presence:{user}:c:{connectionId}";
    private static RedisKey LastSeen(string user) => $"presence:{user}:seen";

    /// <summary>A new socket is recorded exactly as a heartbeat refreshes one.</summary>
    public async Task<PresenceState> ConnectedAsync(string username, string node, string connectionId, CancellationToken cancellationToken = default)
    {
        await HeartbeatAsync(username, node, connectionId, cancellationToken);
        return await GetAsync(username, cancellationToken);
    }

    public async Task<PresenceState> DisconnectedAsync(string username, string node, string connectionId, CancellationToken cancellationToken = default)
    {
        var batch = Db.CreateBatch();
        var writes = new Task[]
        {
            batch.KeyDeleteAsync(Connection(username, connectionId)),
            batch.SetRemoveAsync(Connections(username), connectionId),
            batch.StringSetAsync(LastSeen(username), clock.GetUtcNow().ToUnixTimeMilliseconds(), LastSeenLifetime),
        };
        batch.Execute();
        await Task.WhenAll(writes);
        return await GetAsync(username, cancellationToken);
    }

    public async Task HeartbeatAsync(string username, string node, string connectionId, CancellationToken cancellationToken = default)
    {
        var batch = Db.CreateBatch();
        var writes = new Task[]
        {
            batch.StringSetAsync(Connection(username, connectionId), node, Ttl),
            batch.SetAddAsync(Connections(username), connectionId),
            batch.KeyExpireAsync(Connections(username), Ttl),
            batch.StringSetAsync(LastSeen(username), clock.GetUtcNow().ToUnixTimeMilliseconds(), LastSeenLifetime),
        };
        batch.Execute();
        await Task.WhenAll(writes);
    }

    public async Task<PresenceState> GetAsync(string username, CancellationToken cancellationToken = default)
    {
        var db = Db;
        var ids = await db.SetMembersAsync(Connections(username));
        var nodes = ids.Length == 0 ? [] : await db.StringGetAsync(ids.Select(id => Connection(username, id!)).ToArray());
        var live = ids.Zip(nodes).Where(p => p.Second.HasValue).ToList();
        var lapsed = ids.Zip(nodes).Where(p => !p.Second.HasValue).Select(p => p.First).ToArray();
        if (lapsed.Length > 0) await db.SetRemoveAsync(Connections(username), lapsed);
        var seen = await db.StringGetAsync(LastSeen(username));
        return new PresenceState(username, live.Count > 0,
            seen.TryParse(out long ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null,
            live.Select(p => (string)p.Second!).Distinct().ToList(), live.Count);
    }

    public async Task<IReadOnlyList<PresenceState>> GetManyAsync(IEnumerable<string> usernames, CancellationToken cancellationToken = default) =>
        await Task.WhenAll(usernames.Distinct().Select(u => GetAsync(u, cancellationToken)));
}
