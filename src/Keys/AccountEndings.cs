using Chat.Keys.Storage;
using Chat.Shared.Kafka;

namespace Chat.Keys;

/// <summary>A deleted account's devices leave the key directory, with their prekeys: no one encrypts to it again.</summary>
internal sealed class AccountEndings(IKeyStore store) : IAccountDeletionHandler
{
    public static string ConsumerGroup => "chat-keys-accounts";

    public async Task ForgetAsync(string username, DateTimeOffset deletedAt, CancellationToken cancellationToken)
    {
        foreach (var device in await store.DevicesAsync(username, cancellationToken))
            await store.DeleteDeviceAsync(username, device.DeviceId, cancellationToken);
    }
}
