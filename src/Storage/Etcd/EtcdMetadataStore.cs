using System.Collections.Concurrent;
using System.Text.Json;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;

namespace Chat.Storage.Etcd;

/// <summary>
/// Metadata in etcd under <c>{prefix}users/{username}</c>. A new name is claimed by a transaction
/// that puts the key only while its create-revision is 0, so of racing registrations exactly
/// one wins. Reads are cached and the cache is invalidated by a watch on the prefix (and, should
/// the watch stream break, by age).
/// </summary>
internal sealed class EtcdMetadataStore : IMetadataStore, IDisposable
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(1);

    private readonly EtcdClient _client;
    private readonly string _users;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, (User? User, DateTimeOffset At)> _cache = new();
    private readonly long _watch;

    public EtcdMetadataStore(string endpoints, string prefix, TimeProvider clock)
    {
        _client = new EtcdClient(endpoints);
        _users = prefix.TrimEnd('/') + "/users/";
        _clock = clock;
        _watch = _client.WatchRange(_users, response =>
        {
            foreach (var change in response.Events) _cache.TryRemove(change.Kv.Key.ToStringUtf8(), out _);
        });
    }

    public async Task<bool> TryCreateUserAsync(User user, CancellationToken cancellationToken = default)
    {
        var key = ByteString.CopyFromUtf8(KeyOf(user.Username));
        var claim = new TxnRequest();
        claim.Compare.Add(new Compare
        {
            Key = key, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0,
        });
        claim.Success.Add(new RequestOp
        {
            RequestPut = new PutRequest { Key = key, Value = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(user, StorageJsonContext.Default.User)) },
        });
        var result = await _client.TransactionAsync(claim, cancellationToken: cancellationToken);
        _cache.TryRemove(key.ToStringUtf8(), out _);
        return result.Succeeded;
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

    public void Dispose()
    {
        _client.CancelWatch(_watch);
        _client.Dispose();
    }
}
