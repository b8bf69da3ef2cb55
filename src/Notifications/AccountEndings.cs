using Chat.Notifications.Storage;
using Chat.Shared.Kafka;

namespace Chat.Notifications;

/// <summary>
/// A deleted account's push devices go, every one: its sessions' endings already take most of them
/// (<see cref="SessionEndings"/>), this takes the rest whatever session registered them.
/// </summary>
internal sealed class AccountEndings(INotificationStore store) : IAccountDeletionHandler
{
    public static string ConsumerGroup => "chat-notifications-accounts";

    public async Task ForgetAsync(string username, DateTimeOffset deletedAt, CancellationToken cancellationToken)
    {
        foreach (var device in await store.DevicesAsync(username, cancellationToken))
            await store.DeleteDeviceAsync(username, device.DeviceId, cancellationToken);
    }
}
