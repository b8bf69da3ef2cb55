using System.Collections.Concurrent;
using System.Text.Json;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;

namespace Chat.Storage.Etcd;

/// <summary>
/// Metadata in etcd under one prefix (<c>users/</c>, <c>refresh/</c>, <c>clients/</c>, <c>channels/</c>). A new name is claimed by a transaction
/// that puts the key only while its create-revision is 0, so of racing registrations exactly
/// one wins. Reads are cached and the cache is invalidated by a watch on the prefix (and, should
/// the watch stream break, by age).
/// </summary>
internal sealed class EtcdMetadataStore : IMetadataStore, IDisposable
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(1);

    private readonly EtcdClient _client;
    private readonly string _prefix;
    private readonly string _users;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, (User? User, DateTimeOffset At)> _cache = new();
    private readonly long _watch;

    public EtcdMetadataStore(string endpoints, string prefix, TimeProvider clock)
    {
        _client = new EtcdClient(endpoints);
        _prefix = prefix.TrimEnd('/') + "/";
        _users = _prefix + "users/";
        _clock = clock;
        _watch = _client.WatchRange(_users, response =>
        {
            foreach (var change in response.Events) _cache.TryRemove(change.Kv.Key.ToStringUtf8(), out _);
        });
    }

    public async Task<bool> TryCreateUserAsync(User user, CancellationToken cancellationToken = default)
    {
        var key = KeyOf(user.Username);
        var created = await PutIfAbsentAsync(key, JsonSerializer.SerializeToUtf8Bytes(user, StorageJsonContext.Default.User), cancellationToken);
        _cache.TryRemove(key, out _);
        return created;
    }

    /// <summary>Puts the key only while it does not exist (create-revision 0): of racing writers exactly one wins.</summary>
    private async Task<bool> PutIfAbsentAsync(string key, byte[] value, CancellationToken cancellationToken)
    {
        var k = ByteString.CopyFromUtf8(key);
        var claim = new TxnRequest();
        claim.Compare.Add(new Compare { Key = k, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 });
        claim.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = k, Value = ByteString.CopyFrom(value) } });
        return (await _client.TransactionAsync(claim, cancellationToken: cancellationToken)).Succeeded;
    }

    private async Task<T?> GetJsonAsync<T>(string key, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken) where T : class
    {
        var value = await _client.GetValAsync(key, cancellationToken: cancellationToken);
        return value.Length == 0 ? null : JsonSerializer.Deserialize(value, type);
    }

    public Task StoreRefreshTokenAsync(RefreshToken token, CancellationToken cancellationToken = default) =>
        _client.PutAsync(_prefix + "refresh/" + token.TokenHash, JsonSerializer.Serialize(token, StorageJsonContext.Default.RefreshToken), cancellationToken: cancellationToken);

    public Task<RefreshToken?> FindRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken = default) =>
        GetJsonAsync(_prefix + "refresh/" + tokenHash, StorageJsonContext.Default.RefreshToken, cancellationToken);

    /// <summary>Marks it used by a transaction on the revision read, so only one of racing callers succeeds.</summary>
    public async Task<bool> UseRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken = default)
    {
        var key = _prefix + "refresh/" + tokenHash;
        var read = await _client.GetAsync(key, cancellationToken: cancellationToken);
        if (read.Kvs.Count == 0) return false;
        var token = JsonSerializer.Deserialize(read.Kvs[0].Value.Span, StorageJsonContext.Default.RefreshToken)!;
        if (token.Used) return false;
        var k = ByteString.CopyFromUtf8(key);
        var use = new TxnRequest();
        use.Compare.Add(new Compare { Key = k, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = read.Kvs[0].ModRevision });
        use.Success.Add(new RequestOp
        {
            RequestPut = new PutRequest { Key = k, Value = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(token with { Used = true }, StorageJsonContext.Default.RefreshToken)) },
        });
        return (await _client.TransactionAsync(use, cancellationToken: cancellationToken)).Succeeded;
    }

    public Task RevokeTokenFamilyAsync(string familyId, CancellationToken cancellationToken = default) =>
        _client.PutAsync(_prefix + "revoked-families/" + familyId, DateTimeOffset.UtcNow.ToString("O"), cancellationToken: cancellationToken);

    public async Task<bool> IsTokenFamilyRevokedAsync(string familyId, CancellationToken cancellationToken = default) =>
        (await _client.GetValAsync(_prefix + "revoked-families/" + familyId, cancellationToken: cancellationToken)).Length > 0;

    public Task<bool> TryCreateClientAsync(IntegratorClient client, CancellationToken cancellationToken = default) =>
        PutIfAbsentAsync(_prefix + "clients/" + client.ClientId, JsonSerializer.SerializeToUtf8Bytes(client, StorageJsonContext.Default.IntegratorClient), cancellationToken);

    public Task<IntegratorClient?> FindClientAsync(string clientId, CancellationToken cancellationToken = default) =>
        GetJsonAsync(_prefix + "clients/" + clientId, StorageJsonContext.Default.IntegratorClient, cancellationToken);

    private string MappingsOf(string username) => $"{_prefix}channels/{username.ToLowerInvariant()}/";

    private string ExternalKey(string channel, string externalId) => $"{_prefix}channel-users/{channel}/{Uri.EscapeDataString(externalId)}";

    /// <summary>The mapping and its reverse index (platform id → user) change in one transaction.</summary>
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
                Value = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(mapping, StorageJsonContext.Default.ChannelMapping)),
            }
        });
        txn.Success.Add(new RequestOp
        {
            RequestPut = new PutRequest
            {
                Key = ByteString.CopyFromUtf8(ExternalKey(mapping.Channel, mapping.ExternalId)), Value = ByteString.CopyFromUtf8(mapping.Username.ToLowerInvariant()),
            }
        });
        await _client.TransactionAsync(txn, cancellationToken: cancellationToken);
    }

    public async Task<string?> FindUserByChannelAsync(string channel, string externalId, CancellationToken cancellationToken = default) =>
        await _client.GetValAsync(ExternalKey(channel, externalId), cancellationToken: cancellationToken) is { Length: > 0 } user ? user : null;

    public async Task<IReadOnlyList<ChannelMapping>> ChannelMappingsAsync(string username, CancellationToken cancellationToken = default)
    {
        var range = await _client.GetRangeAsync(MappingsOf(username), cancellationToken: cancellationToken);
        return range.Kvs.Select(kv => JsonSerializer.Deserialize(kv.Value.Span, StorageJsonContext.Default.ChannelMapping)!).OrderBy(m => m.Channel, StringComparer.Ordinal).ToList();
    }

    public async Task<bool> DeleteChannelMappingAsync(string username, string channel, CancellationToken cancellationToken = default)
    {
        var previous = (await ChannelMappingsAsync(username, cancellationToken)).FirstOrDefault(m => m.Channel == channel);
        if (previous is null) return false;
        await _client.DeleteAsync(ExternalKey(channel, previous.ExternalId), cancellationToken: cancellationToken);
        return (await _client.DeleteAsync(MappingsOf(username) + channel, cancellationToken: cancellationToken)).Deleted > 0;
    }

    public async Task<User?> FindUserAsync(string username, CancellationToken cancellationToken = default)
    {
        var key = KeyOf(username);
        if (_cache.TryGetValue(key, out var hit) && _clock.GetUtcNow() - hit.At < CacheLifetime) return hit.User;
        var value = await _client.GetValAsync(key, cancellationToken: cancellationToken);
        var user = value.Length == 0 ? null : JsonSerializer.Deserialize(value, StorageJsonContext.Default.User);
        _cache[key] = (user, _clock.GetUtcNow());
        return user;
    }

    public async Task<IReadOnlySet<string>> ExistingUsersAsync(IEnumerable<string> usernames, CancellationToken cancellationToken = default)
    {
        var found = await Task.WhenAll(usernames.Distinct().Select(u => FindUserAsync(u, cancellationToken)));
        return found.OfType<User>().Select(u => u.Username).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Names are case-insensitive: the key uses the lower-case form.</summary>
    private string KeyOf(string username) => _users + username.ToLowerInvariant();

    public Task CreateWebhookAsync(WebhookRegistration webhook, CancellationToken cancellationToken = default) =>
        _client.PutAsync(_prefix + "webhooks/" + webhook.WebhookId, JsonSerializer.Serialize(webhook, StorageJsonContext.Default.WebhookRegistration), cancellationToken: cancellationToken);

    public async Task<IReadOnlyList<WebhookRegistration>> WebhooksAsync(CancellationToken cancellationToken = default) =>
        (await _client.GetRangeAsync(_prefix + "webhooks/", cancellationToken: cancellationToken)).Kvs
        .Select(kv => JsonSerializer.Deserialize(kv.Value.Span, StorageJsonContext.Default.WebhookRegistration)!).OrderBy(w => w.WebhookId, StringComparer.Ordinal).ToList();

    public async Task<bool> DeleteWebhookAsync(string webhookId, CancellationToken cancellationToken = default) =>
        (await _client.DeleteAsync(_prefix + "webhooks/" + webhookId, cancellationToken: cancellationToken)).Deleted > 0;

    public async Task DisableWebhookAsync(string webhookId, CancellationToken cancellationToken = default)
    {
        if (await GetJsonAsync(_prefix + "webhooks/" + webhookId, StorageJsonContext.Default.WebhookRegistration, cancellationToken) is { } webhook)
            await CreateWebhookAsync(webhook with { Disabled = true }, cancellationToken);
    }

    // A file's shares are keys of their own (file-shares/{file}/{conversation}), so concurrent shares never overwrite each other.
    public Task PutFileAsync(FileRecord file, CancellationToken cancellationToken = default) =>
        _client.PutAsync(_prefix + "files/" + file.FileId, JsonSerializer.Serialize(file with { SharedIn = [] }, StorageJsonContext.Default.FileRecord),
            cancellationToken: cancellationToken);

    public async Task<FileRecord?> FindFileAsync(string fileId, CancellationToken cancellationToken = default)
    {
        if (await GetJsonAsync(_prefix + "files/" + fileId, StorageJsonContext.Default.FileRecord, cancellationToken) is not { } file) return null;
        var sharesPrefix = _prefix + "file-shares/" + fileId + "/";
        var shares = (await _client.GetRangeAsync(sharesPrefix, cancellationToken: cancellationToken)).Kvs
            .Select(kv => kv.Key.ToStringUtf8()[sharesPrefix.Length..]).Order(StringComparer.Ordinal).ToList();
        return file with { SharedIn = shares };
    }

    public async Task<bool> DeleteFileAsync(string fileId, CancellationToken cancellationToken = default)
    {
        await _client.DeleteRangeAsync(_prefix + "file-shares/" + fileId + "/", cancellationToken: cancellationToken);
        return (await _client.DeleteAsync(_prefix + "files/" + fileId, cancellationToken: cancellationToken)).Deleted > 0;
    }

    public Task ShareFileAsync(string fileId, string conversationId, CancellationToken cancellationToken = default) =>
        _client.PutAsync(_prefix + "file-shares/" + fileId + "/" + conversationId, "", cancellationToken: cancellationToken);

    public void Dispose()
    {
        _client.CancelWatch(_watch);
        _client.Dispose();
    }
}
