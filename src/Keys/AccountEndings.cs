using Chat.Keys.Storage;
using Chat.Shared.Kafka;
using Microsoft.Extensions.Options;

namespace Chat.Keys;

/// <summary>A deleted account's devices leave the key directory, with their prekeys: no one encrypts to it again.</summary>
internal sealed class AccountEndings(
    IKeyStore store, EventProducer producer, ConsumerMetrics metrics, IOptions<KafkaOptions> kafka, ILogger<AccountEndings> logger)
    : AccountDeletions(ConsumerGroup, kafka.Value, producer, metrics, logger)
{
    public const string ConsumerGroup = "chat-keys-accounts";

    protected override async Task ForgetAsync(string username, DateTimeOffset deletedAt, CancellationToken cancellationToken)
    {
        foreach (var device in await store.DevicesAsync(username, cancellationToken))
            await store.DeleteDeviceAsync(username, device.DeviceId, cancellationToken);
    }
}
