namespace Chat.Notifications.Storage;

/// <summary>The notifications service's data: devices, preferences, burst windows and the pushes waiting to go out.</summary>
public interface INotificationStore
{
    /// <summary>Registers or replaces the user's device of this id.</summary>
    Task PutDeviceAsync(Device device, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Device>> DevicesAsync(string username, CancellationToken cancellationToken = default);

    /// <summary>Removes the device and the pushes still waiting for it; false if there was none.</summary>
    Task<bool> DeleteDeviceAsync(string username, string deviceId, CancellationToken cancellationToken = default);

    /// <summary>Logout: removes every device the session registered; how many.</summary>
    Task<int> DeleteSessionDevicesAsync(string sessionId, CancellationToken cancellationToken = default);

    Task MuteAsync(Mute mute, CancellationToken cancellationToken = default);

    /// <summary>False if the conversation was not muted.</summary>
    Task<bool> UnmuteAsync(string username, string conversationId, CancellationToken cancellationToken = default);

    Task<Mute?> MuteOfAsync(string username, string conversationId, CancellationToken cancellationToken = default);

    /// <summary>Whether pushes to the user carry the message's text (on unless they turned it off).</summary>
    Task<bool> PreviewsAsync(string username, CancellationToken cancellationToken = default);

    Task SetPreviewsAsync(string username, bool previews, CancellationToken cancellationToken = default);

    Task<CollapseWindow?> CollapseWindowAsync(string username, string conversationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// In one transaction: the window as it is now (or none) and the pushes to add; a push whose id
    /// is stored already takes the new body and due time if it is still pending (a summary growing).
    /// </summary>
    Task RecordAsync(CollapseWindow? window, IReadOnlyList<PendingPush> pushes, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PendingPush>> DuePushesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>Stores the push's new state, attempts and due time.</summary>
    Task UpdatePushAsync(PendingPush push, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PendingPush>> PushesAsync(string username, CancellationToken cancellationToken = default);

    /// <summary>The user's notification level in the conversation (issue 25): <see cref="NotificationLevels.All"/> unless they chose another.</summary>
    Task<string> LevelOfAsync(string username, string conversationId, CancellationToken cancellationToken = default);

    Task SetLevelAsync(string username, string conversationId, string level, CancellationToken cancellationToken = default);
}
