using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace Chat.Shared.RateLimits;

/// <summary>
/// Counts in Redis, one key per allowance (<c>chat:limits:{key}</c>) expiring when its window
/// ends; a Lua script checks and counts in one step, so concurrent instances never overshoot.
/// </summary>
internal sealed class RedisRateLimiter(IConnectionMultiplexer redis, RedisKeyspace keyspace) : IRateLimiter
{
    // Returns {allowed, count, milliseconds left}. A refused attempt changes nothing.
    private const string Acquire = """
        local count = tonumber(redis.call('GET', KEYS[1]) or '0')
        local left = redis.call('PTTL', KEYS[1])
        if count >= tonumber(ARGV[1]) and left > 0 then return {0, count, left} end
        if left <= 0 then count = 0; redis.call('SET', KEYS[1], 0, 'PX', ARGV[2]); left = tonumber(ARGV[2]) end
        count = redis.call('INCR', KEYS[1])
        return {1, count, left}
        """;

    private const string Release = """
        if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then redis.call('DECR', KEYS[1]) end
        return 0
        """;

    public async Task<RateDecision> TryAcquireAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken = default)
    {
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(Acquire, [Key(key)], [limit, (long)window.TotalMilliseconds]))!;
        var count = (int)result[1];
        return new RateDecision((int)result[0] == 1, limit, Math.Max(0, limit - count), TimeSpan.FromMilliseconds((long)result[2]));
    }

    public Task ReleaseAsync(string key, CancellationToken cancellationToken = default) =>
        Db.ScriptEvaluateAsync(Release, [Key(key)]);

    private IDatabase Db => redis.GetDatabase().WithKeyPrefix(keyspace.Prefix);

    private static RedisKey Key(string key) => "chat:limits:" + key;
}
