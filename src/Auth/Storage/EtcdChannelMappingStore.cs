using System.Text.Json;
using Chat.Storage.Etcd;
using Etcdserverpb;
using Google.Protobuf;

namespace Chat.Auth.Storage;

/// <summary>
/// Channel mappings in etcd: <c>channels/{user}/{channel}</c> holds the mapping and
/// <c>channel-users/{channel}/{external id}</c> its reverse index (platform id → user).
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

    /// <summary>The mapping and its reverse index change in one transaction.</summary>
    public async Task SetChannelMappingAsync(ChannelMapping mapping, CancellationToken cancellationToken = default)
    {
        var previous = (await ChannelMappingsAsync(mapping.Username, cancellationToken)).FirstOrDefault(m => m.Channel == mapping.Channel);
        var txn = new TxnRequest();
        if (previous is not null) txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = ByteString.CopyFromUtf8(ExternalKey(previous.Channel, previous.ExternalId)) } });
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
        await _etcd.Client.TransactionAsync(txn, cancellationToken: cancellationToken);
    }

    public async Task<string?> FindUserByChannelAsync(string channel, string externalId, CancellationToken cancellationToken = default) =>
        await _etcd.Client.GetValAsync(ExternalKey(channel, externalId), cancellationToken: cancellationToken) is { Length: > 0 } user ? user : null;

    public async Task<IReadOnlyList<ChannelMapping>> ChannelMappingsAsync(string username, CancellationToken cancellationToken = default) =>
        (await _etcd.GetJsonRangeAsync(MappingsOf(username), AccountStorageJson.Default.ChannelMapping, cancellationToken)).OrderBy(m => m.Channel, StringComparer.Ordinal).ToList();

    public async Task<bool> DeleteChannelMappingAsync(string username, string channel, CancellationToken cancellationToken = default)
    {
        var previous = (await ChannelMappingsAsync(username, cancellationToken)).FirstOrDefault(m => m.Channel == channel);
        if (previous is null) return false;
        await _etcd.Client.DeleteAsync(ExternalKey(channel, previous.ExternalId), cancellationToken: cancellationToken);
        return (await _etcd.Client.DeleteAsync(MappingsOf(username) + channel, cancellationToken: cancellationToken)).Deleted > 0;
    }

    public void Dispose() => _etcd.Dispose();
}
