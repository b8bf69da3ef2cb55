using System.Text.Json;
using Chat.Storage.Etcd;
using Etcdserverpb;
using Google.Protobuf;

namespace Chat.Auth.Storage;

/// <summary>
/// Channel mappings in etcd: <c>channels/{user}/{channel}</c> holds the mapping and
/// <c>channel-users/{channel}/{external id}</c> its reverse index (platform id → the user who mapped it last).
/// </summary>
internal sealed class EtcdChannelMappingStore : IChannelMappingStore, IDisposable
{
    private readonly EtcdKeyValue _etcd;

    public EtcdChannelMappingStore(string endpoints, string prefix)
    {
        _etcd = new EtcdKeyValue(endpoints, prefix);
        _etcd.Migrate("channel-mappings", (1, EtcdKeyValue.Unchanged));
    }

    private string MappingsOf(string username) => $"{_etcd.Prefix}channels/{username.ToLowerInvariant()}/";

    private string ExternalKey(string channel, string externalId) => $"{_etcd.Prefix}channel-users/{channel}/{Uri.EscapeDataString(externalId)}";

    /// <summary>
    /// The mapping and its reverse index change in one transaction. The previous platform id's reverse
    /// entry goes only while it still names this user: another user may have mapped that id since.
    /// </summary>
    public async Task SetChannelMappingAsync(ChannelMapping mapping, CancellationToken cancellationToken = default)
    {
        var previous = (await ChannelMappingsAsync(mapping.Username, cancellationToken)).FirstOrDefault(m => m.Channel == mapping.Channel);
        var txn = new TxnRequest();
        txn.Success.Add(new RequestOp
        {
            RequestPut = new PutRequest
            {
                Key = ByteString.CopyFromUtf8(MappingsOf(mapping.Username) + mapping.Channel),
                Value = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(mapping, AccountStorageJson.Default.ChannelMapping)),
            }
        });
        txn.Success.Add(new RequestOp
        {
            RequestPut = new PutRequest
            {
                Key = ByteString.CopyFromUtf8(ExternalKey(mapping.Channel, mapping.ExternalId)), Value = ByteString.CopyFromUtf8(mapping.Username.ToLowerInvariant()),
            }
        });
        // The same id again: its reverse entry was just put (and etcd refuses a key twice in one transaction).
        if (previous is not null && previous.ExternalId != mapping.ExternalId)
            txn.Success.Add(new RequestOp { RequestTxn = ReleaseExternalId(previous) });
        await _etcd.Client.TransactionAsync(txn, cancellationToken: cancellationToken);
    }

    /// <summary>Deletes the reverse entry of <paramref name="mapping"/>'s platform id if it still names its user.</summary>
    private TxnRequest ReleaseExternalId(ChannelMapping mapping)
    {
        var key = ByteString.CopyFromUtf8(ExternalKey(mapping.Channel, mapping.ExternalId));
        var release = new TxnRequest();
        release.Compare.Add(new Compare
        {
            Key = key, Target = Compare.Types.CompareTarget.Value, Result = Compare.Types.CompareResult.Equal,
            Value = ByteString.CopyFromUtf8(mapping.Username.ToLowerInvariant()),
        });
        release.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = key } });
        return release;
    }

    public async Task<string?> FindUserByChannelAsync(string channel, string externalId, CancellationToken cancellationToken = default) =>
        await _etcd.Client.GetValAsync(ExternalKey(channel, externalId), cancellationToken: cancellationToken) is { Length: > 0 } user ? user : null;

    public async Task<IReadOnlyList<ChannelMapping>> ChannelMappingsAsync(string username, CancellationToken cancellationToken = default) =>
        (await _etcd.GetJsonRangeAsync(MappingsOf(username), AccountStorageJson.Default.ChannelMapping, cancellationToken)).OrderBy(m => m.Channel, StringComparer.Ordinal).ToList();

    public async Task<bool> DeleteChannelMappingAsync(string username, string channel, CancellationToken cancellationToken = default)
    {
        var previous = (await ChannelMappingsAsync(username, cancellationToken)).FirstOrDefault(m => m.Channel == channel);
        if (previous is null) return false;
        var txn = new TxnRequest();
        txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = ByteString.CopyFromUtf8(MappingsOf(username) + channel) } });
        txn.Success.Add(new RequestOp { RequestTxn = ReleaseExternalId(previous) });
        return (await _etcd.Client.TransactionAsync(txn, cancellationToken: cancellationToken)).Responses[0].ResponseDeleteRange.Deleted > 0;
    }

    public void Dispose() => _etcd.Dispose();
}
