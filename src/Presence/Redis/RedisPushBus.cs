using System.Text.Json;
using System.Text.Json.Serialization;
using StackExchange.Redis;

namespace Chat.Presence.Redis;

/// <summary>Pushes travel over Redis pub/sub, one channel per gateway node (<c>chat:push:{node}</c>).</summary>
internal sealed class RedisPushBus(IConnectionMultiplexer redis, ILogger<RedisPushBus> logger) : IPushBus
{
    private static RedisChannel ChannelOf(string node) => RedisChannel.Literal("chat:push:" + node);

    public Task PublishAsync(string node, IReadOnlyList<Push> pushes, CancellationToken cancellationToken = default) =>
        redis.GetSubscriber().PublishAsync(ChannelOf(node), JsonSerializer.SerializeToUtf8Bytes(pushes.ToList(), PushJsonContext.Default.ListPush));

    public IDisposable Subscribe(string node, Func<IReadOnlyList<Push>, Task> handler)
    {
        var channel = ChannelOf(node);
        var queue = redis.GetSubscriber().Subscribe(channel);
        // A channel message queue keeps this node's pushes in the order they were published.
        queue.OnMessage(async message =>
        {
            try
            {
                await handler(JsonSerializer.Deserialize((byte[])message.Message!, PushJsonContext.Default.ListPush)!);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "A push on {Channel} could not be delivered", channel);
            }
        });
        return new Unsubscriber(queue);
    }

    private sealed class Unsubscriber(ChannelMessageQueue queue) : IDisposable
    {
        public void Dispose() => queue.Unsubscribe();
    }
}

[JsonSerializable(typeof(List<Push>))]
internal sealed partial class PushJsonContext : JsonSerializerContext;
