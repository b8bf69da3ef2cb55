using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;

namespace Chat.Shared;

/// <summary>The prefix (<c>Redis:KeyPrefix</c>, empty by default) of every key and channel this deployment uses in Redis.</summary>
public sealed record RedisKeyspace(string Prefix);

public static class RedisConnection
{
    /// <summary>
    /// One connection to <c>Redis:Configuration</c> per process, shared by whatever uses Redis in it
    /// (presence, push, limits). Keys and channels live under <c>Redis:KeyPrefix</c>, so deployments
    /// (or test runs) sharing one Redis never see each other's sockets or counts.
    /// </summary>
    public static IServiceCollection AddRedisConnection(this IServiceCollection services, IConfiguration configuration, string whoNeedsIt)
    {
        var redis = configuration["Redis:Configuration"];
        if (string.IsNullOrEmpty(redis)) throw new InvalidOperationException($"{whoNeedsIt} but Redis:Configuration is not set (e.g. redis:6379).");
        var prefix = configuration["Redis:KeyPrefix"] ?? "";
        services.TryAddSingleton<IConnectionMultiplexer>(_ =>
        {
            var options = ConfigurationOptions.Parse(redis);
            options.ChannelPrefix = RedisChannel.Literal(prefix);
            return ConnectionMultiplexer.Connect(options);
        });
        services.TryAddSingleton(new RedisKeyspace(prefix));
        return services;
    }
}
