namespace Chat.Keys.Storage;

/// <summary>The key directory's data: each device's public keys and its stock of one-time prekeys.</summary>
public interface IKeyStore
{
    /// <summary>Stores the device's keys as given; a device that comes back with another identity key loses its one-time prekeys (they were for the old identity).</summary>
    Task PutDeviceAsync(DeviceKeys device, CancellationToken cancellationToken = default);

    Task<DeviceKeys?> FindDeviceAsync(string username, string deviceId, CancellationToken cancellationToken = default);

    /// <summary>The user's devices, oldest first.</summary>
    Task<IReadOnlyList<DeviceKeys>> DevicesAsync(string username, CancellationToken cancellationToken = default);

    /// <summary>The device and every one-time prekey of it; false if there was none.</summary>
    Task<bool> DeleteDeviceAsync(string username, string deviceId, CancellationToken cancellationToken = default);

    /// <summary>Adds the keys (a key id already stored keeps its first key); how many the device holds after.</summary>
    Task<int> AddOneTimePrekeysAsync(string username, string deviceId, IReadOnlyList<OneTimePrekey> keys, CancellationToken cancellationToken = default);

    Task<int> CountOneTimePrekeysAsync(string username, string deviceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes one one-time prekey of the device (the lowest key id) and removes it, atomically: under any
    /// number of racing claims each key is handed out at most once.
    /// </summary>
    Task<PrekeyClaim> ClaimOneTimePrekeyAsync(string username, string deviceId, CancellationToken cancellationToken = default);
}
