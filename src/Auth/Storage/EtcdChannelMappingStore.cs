using System.Text.Json;
using Chat.Storage.Etcd;
using Etcdserverpb;
using Google.Protobuf;

namespace Chat.Auth.Storage;

/// <summary>
/// Channel mappings in etcd: <c>channels/{user}/{channel}</c> holds the mapping and
/// <c>channel-users/{channel}/{external id}</c> its reverse index (platform id → the one user whose verified
/// mapping names it); <c>channel-codes/{channel}/{external id}/{code hash}</c> a pending mapping's proof code.
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

    private string CodeKey(string channel, string externalId, string codeHash) =>
        $"{_etcd.Prefix}channel-codes/{channel}/{Uri.EscapeDataString(externalId)}/{codeHash}";

    private static ByteString Utf8(string s) => ByteString.CopyFromUtf8(s);

    private RequestOp PutMapping(ChannelMapping mapping) => new()
    {
        RequestPut = new PutRequest
        {
            Key = Utf8(MappingsOf(mapping.Username) + mapping.Channel),
            Value = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(mapping, AccountStorageJson.Default.ChannelMapping)),
        },
    };

    private RequestOp PutOwner(string channel, string externalId, string username) =>
        new() { RequestPut = new PutRequest { Key = Utf8(ExternalKey(channel, externalId)), Value = Utf8(username.ToLowerInvariant()) } };

    /// <summary>The transaction holds only if the reverse entry still names <paramref name="owner"/> (null: still absent).</summary>
    private Compare OwnerStill(string channel, string externalId, string? owner) => owner is null
        ? new Compare { Key = Utf8(ExternalKey(channel, externalId)), Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 }
        : new Compare { Key = Utf8(ExternalKey(channel, externalId)), Target = Compare.Types.CompareTarget.Value, Result = Compare.Types.CompareResult.Equal, Value = Utf8(owner) };

    /// <summary>
    /// The mapping and its reverse index (verified mappings only) change in one transaction, which holds
    /// only while the reverse entry is as read: a user verified for the id meanwhile makes it fail, and it
    /// is read again. The previous platform id's reverse entry goes only while it still names this user.
    /// </summary>
    public async Task<bool> SetChannelMappingAsync(ChannelMapping mapping, CancellationToken cancellationToken = default)
    {
        var user = mapping.Username.ToLowerInvariant();
        while (true)
        {
            var owner = await FindUserByChannelAsync(mapping.Channel, mapping.ExternalId, cancellationToken);
            if (owner is not null && owner != user) return false;
            var previous = (await ChannelMappingsAsync(mapping.Username, cancellationToken)).FirstOrDefault(m => m.Channel == mapping.Channel);
            var txn = new TxnRequest();
            txn.Compare.Add(OwnerStill(mapping.Channel, mapping.ExternalId, owner));
            txn.Success.Add(PutMapping(mapping));
            if (mapping.Verified) txn.Success.Add(PutOwner(mapping.Channel, mapping.ExternalId, user));
            else if (owner is not null) txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = Utf8(ExternalKey(mapping.Channel, mapping.ExternalId)) } });
            // The same id again: its reverse entry was just handled (and etcd refuses a key twice in one transaction).
            if (previous is { Verified: true } && previous.ExternalId != mapping.ExternalId)
                txn.Success.Add(new RequestOp { RequestTxn = ReleaseExternalId(previous) });
            if ((await _etcd.Client.TransactionAsync(txn, cancellationToken: cancellationToken)).Succeeded) return true;
        }
    }

    public async Task<bool> SetProofCodeAsync(string username, string channel, string codeHash, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        var mapping = (await ChannelMappingsAsync(username, cancellationToken)).FirstOrDefault(m => m.Channel == channel);
        if (mapping is not { Verified: false }) return false;
        await _etcd.PutJsonAsync(CodeKey(channel, mapping.ExternalId, codeHash), new ChannelProofCode(mapping.Username, expiresAt),
            AccountStorageJson.Default.ChannelProofCode, cancellationToken);
        return true;
    }

    /// <summary>One transaction: the mapping verified, the reverse entry (only if still absent) and the code used up.</summary>
    public async Task<string?> VerifyChannelMappingAsync(string channel, string externalId, string codeHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var codeKey = CodeKey(channel, externalId, codeHash);
        var code = await _etcd.GetJsonAsync(codeKey, AccountStorageJson.Default.ChannelProofCode, cancellationToken);
        if (code is null || code.ExpiresAt <= now) return null;
        var mapping = (await ChannelMappingsAsync(code.Username, cancellationToken)).FirstOrDefault(m => m.Channel == channel);
        if (mapping is not { Verified: false } || mapping.ExternalId != externalId) return null;
        var txn = new TxnRequest();
        txn.Compare.Add(OwnerStill(channel, externalId, null));
        txn.Compare.Add(new Compare { Key = Utf8(codeKey), Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Greater, CreateRevision = 0 });
        txn.Success.Add(PutMapping(mapping with { Verified = true, UpdatedAt = now }));
        txn.Success.Add(PutOwner(channel, externalId, mapping.Username));
        txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = Utf8(codeKey) } });
        return (await _etcd.Client.TransactionAsync(txn, cancellationToken: cancellationToken)).Succeeded ? mapping.Username.ToLowerInvariant() : null;
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
        if (previous.Verified) txn.Success.Add(new RequestOp { RequestTxn = ReleaseExternalId(previous) });
        return (await _etcd.Client.TransactionAsync(txn, cancellationToken: cancellationToken)).Responses[0].ResponseDeleteRange.Deleted > 0;
    }

    public void Dispose() => _etcd.Dispose();
}
