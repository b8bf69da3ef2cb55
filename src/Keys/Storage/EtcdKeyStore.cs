using System.Globalization;
using Chat.Storage.Etcd;
using Etcdserverpb;
using Google.Protobuf;

namespace Chat.Keys.Storage;

/// <summary>
/// The key directory in etcd: <c>keys/devices/{user}/{device}</c> holds a device's public keys and
/// each one-time prekey is a key of its own, <c>keys/one-time/{user}/{device}/{key id, 19 digits}</c>,
/// so the lowest id sorts first. A claim deletes the first one by a transaction that compares its
/// mod revision with the one read: of racing claimers exactly one succeeds for each key; the others
/// read again and take the next.
/// </summary>
internal sealed class EtcdKeyStore : IKeyStore, IDisposable
{
    private readonly EtcdKeyValue _etcd;

    public EtcdKeyStore(string endpoints, string prefix)
    {
        _etcd = new EtcdKeyValue(endpoints, prefix);
        _etcd.Migrate("device-keys", (1, EtcdKeyValue.Unchanged));
    }

    private string DeviceKey(string username, string deviceId) => $"{_etcd.Prefix}keys/devices/{username}/{deviceId}";

    private string PrekeysOf(string username, string deviceId) => $"{_etcd.Prefix}keys/one-time/{username}/{deviceId}/";

    public async Task PutDeviceAsync(DeviceKeys device, CancellationToken cancellationToken = default)
    {
        var existing = await FindDeviceAsync(device.Username, device.DeviceId, cancellationToken);
        if (existing is not null && existing.IdentityKey != device.IdentityKey)
            await _etcd.Client.DeleteRangeAsync(PrekeysOf(device.Username, device.DeviceId), cancellationToken: cancellationToken);
        await _etcd.PutJsonAsync(DeviceKey(device.Username, device.DeviceId), device, KeyStorageJson.Default.DeviceKeys, cancellationToken);
    }

    public Task<DeviceKeys?> FindDeviceAsync(string username, string deviceId, CancellationToken cancellationToken = default) =>
        _etcd.GetJsonAsync(DeviceKey(username, deviceId), KeyStorageJson.Default.DeviceKeys, cancellationToken);

    public async Task<IReadOnlyList<DeviceKeys>> DevicesAsync(string username, CancellationToken cancellationToken = default) =>
        (await _etcd.GetJsonRangeAsync($"{_etcd.Prefix}keys/devices/{username}/", KeyStorageJson.Default.DeviceKeys, cancellationToken))
        .OrderBy(d => d.CreatedAt).ThenBy(d => d.DeviceId, StringComparer.Ordinal).ToList();

    public async Task<bool> DeleteDeviceAsync(string username, string deviceId, CancellationToken cancellationToken = default)
    {
        await _etcd.Client.DeleteRangeAsync(PrekeysOf(username, deviceId), cancellationToken: cancellationToken);
        return (await _etcd.Client.DeleteAsync(DeviceKey(username, deviceId), cancellationToken: cancellationToken)).Deleted > 0;
    }

    public async Task<int> AddOneTimePrekeysAsync(string username, string deviceId, IReadOnlyList<OneTimePrekey> keys, CancellationToken cancellationToken = default)
    {
        var prefix = PrekeysOf(username, deviceId);
        await Task.WhenAll(keys.Select(k => _etcd.PutIfAbsentAsync(prefix + KeyIdText(k.KeyId), System.Text.Encoding.UTF8.GetBytes(k.PublicKey), cancellationToken)));
        return await CountOneTimePrekeysAsync(username, deviceId, cancellationToken);
    }

    public async Task<int> CountOneTimePrekeysAsync(string username, string deviceId, CancellationToken cancellationToken = default) =>
        (int)(await _etcd.Client.GetAsync(CountOf(PrekeysOf(username, deviceId)), cancellationToken: cancellationToken)).Count;

    public async Task<PrekeyClaim> ClaimOneTimePrekeyAsync(string username, string deviceId, CancellationToken cancellationToken = default)
    {
        var prefix = PrekeysOf(username, deviceId);
        while (true)
        {
            var first = await _etcd.Client.GetAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(prefix), RangeEnd = RangeEnd(prefix), Limit = 1 },
                cancellationToken: cancellationToken);
            if (first.Kvs.Count == 0) return new PrekeyClaim(null, 0);
            var kv = first.Kvs[0];
            var take = new TxnRequest();
            take.Compare.Add(new Compare { Key = kv.Key, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = kv.ModRevision });
            take.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = kv.Key } });
            take.Success.Add(new RequestOp { RequestRange = CountOf(prefix) });
            var taken = await _etcd.Client.TransactionAsync(take, cancellationToken: cancellationToken);
            if (!taken.Succeeded) continue; // another claimer took it first: read the next
            var keyId = long.Parse(kv.Key.ToStringUtf8()[prefix.Length..], CultureInfo.InvariantCulture);
            return new PrekeyClaim(new OneTimePrekey(keyId, kv.Value.ToStringUtf8()), (int)taken.Responses[1].ResponseRange.Count);
        }
    }

    /// <summary>Zero-padded, so etcd's byte order is the numeric order.</summary>
    private static string KeyIdText(long keyId) => keyId.ToString("D19", CultureInfo.InvariantCulture);

    private static RangeRequest CountOf(string prefix) => new() { Key = ByteString.CopyFromUtf8(prefix), RangeEnd = RangeEnd(prefix), CountOnly = true };

    /// <summary>The first key after every key that starts with <paramref name="prefix"/> (its last byte plus one).</summary>
    private static ByteString RangeEnd(string prefix)
    {
        var end = System.Text.Encoding.UTF8.GetBytes(prefix);
        end[^1]++;
        return ByteString.CopyFrom(end);
    }

    public void Dispose() => _etcd.Dispose();
}
