using Chat.Shared.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Chat.Shared.RateLimits;

public static class RateLimitExtensions
{
    /// <summary>The <c>Limits</c> options and the counter they are kept in, chosen by <c>Limits:Kind</c>.</summary>
    public static IHostApplicationBuilder AddRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<LimitsOptions>(LimitsOptions.Section);
        builder.Services.TryAddSingleton(TimeProvider.System);
        var redis = builder.Configuration["Redis:Configuration"];
        var kind = builder.Configuration["Limits:Kind"] ?? (string.IsNullOrEmpty(redis) ? "memory" : "redis");
        switch (kind)
        {
            case "memory":
                builder.Services.TryAddSingleton<IRateLimiter, InProcessRateLimiter>();
                break;
            case "redis":
                builder.Services.AddRedisConnection(builder.Configuration, "Limits:Kind is 'redis'");
                builder.Services.TryAddSingleton<IRateLimiter, RedisRateLimiter>();
                break;
            default:
                throw new InvalidOperationException($"Limits:Kind '{kind}' is unknown; use 'memory' or 'redis'.");
        }
        return builder;
    }

    /// <summary>The allowance keys: one per person or client and per kind of use.</summary>
    public static string SendKey(Http.Caller caller) => caller.ClientId is { } client ? "send:client:" + client : "send:user:" + caller.Subject;

    public static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
}
