using System.Collections.Concurrent;
using System.Text.Json;
using Chat.Shared.Http;
using Chat.Storage.Etcd;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;

namespace Chat.Auth.Storage;

/// <summary>
/// Accounts in etcd under one prefix (<c>users/</c>, <c>refresh/</c>, <c>revoked-families/</c>,
/// <c>clients/</c>). A new name is claimed by a transaction that puts the key only while its
/// create-revision is 0, so of racing registrations exactly one wins. User reads are cached and
/// the cache is invalidated by a watch on <c>users/</c> (and, should the watch stream break, by age).
/// </summary>
internal sealed partial class EtcdAccountStore : IAccountStore, IDisposable
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(1);

    private readonly EtcdKeyValue _etcd;
    private readonly string _users;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, (User? User, DateTimeOffset At)> _cache = new();
    private readonly long _watch;

    public EtcdAccountStore(string endpoints, string prefix, TimeProvider clock)
    {
        _etcd = new EtcdKeyValue(endpoints, prefix);
        _users = _etcd.Prefix + "users/";
        _etcd.Migrate("accounts", (1, EtcdKeyValue.Unchanged), (2, IndexExistingUsersAsync));
        _clock = clock;
        _watch = _etcd.Client.WatchRange(_users, response =>
        {
            foreach (var change in response.Events) _cache.TryRemove(change.Kv.Key.ToStringUtf8(), out _);
        });
    }

    private string Prefix => _etcd.Prefix;

    public async Task<bool> TryCreateUserAsync(User user, CancellationToken cancellationToken = default)
    {
        var key = KeyOf(user.Username);
        var created = await PutIfAbsentWithWordsAsync(user, cancellationToken);
        _cache.TryRemove(key, out _);
        return created;
    }

    public async Task<User?> FindUserAsync(string username, CancellationToken cancellationToken = default)
    {
        var key = KeyOf(username);
        if (_cache.TryGetValue(key, out var hit) && _clock.GetUtcNow() - hit.At < CacheLifetime) return hit.User;
        var user = await _etcd.GetJsonAsync(key, AccountStorageJson.Default.User, cancellationToken);
        _cache[key] = (user, _clock.GetUtcNow());
        return user;
    }

    public async Task<IReadOnlySet<string>> ExistingUsersAsync(IEnumerable<string> usernames, CancellationToken cancellationToken = default)
    {
        var found = await Task.WhenAll(usernames.Distinct().Select(u => FindUserAsync(u, cancellationToken)));
        return found.OfType<User>().Where(u => !u.IsDeleted).Select(u => u.Username).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    public async Task<IReadOnlySet<string>> DeletedUsersAsync(IEnumerable<string> usernames, CancellationToken cancellationToken = default)
    {
        var found = await Task.WhenAll(usernames.Select(u => u.ToLowerInvariant()).Distinct().Select(u => FindUserAsync(u, cancellationToken)));
        return found.OfType<User>().Where(u => u.IsDeleted).Select(u => u.Username.ToLowerInvariant()).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Names are case-insensitive: the key uses the lower-case form.</summary>
    private string KeyOf(string username) => _users + username.ToLowerInvariant();

    public Task StoreRefreshTokenAsync(RefreshToken token, CancellationToken cancellationToken = default) =>
        _etcd.PutJsonAsync(Prefix + "refresh/" + token.TokenHash, token, AccountStorageJson.Default.RefreshToken, cancellationToken);

    public Task<RefreshToken?> FindRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken = default) =>
        _etcd.GetJsonAsync(Prefix + "refresh/" + tokenHash, AccountStorageJson.Default.RefreshToken, cancellationToken);

    /// <summary>Marks it used by a transaction on the revision read, so only one of racing callers succeeds.</summary>
    public async Task<bool> UseRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken = default)
    {
        var key = Prefix + "refresh/" + tokenHash;
        var read = await _etcd.Client.GetAsync(key, cancellationToken: cancellationToken);
        if (read.Kvs.Count == 0) return false;
        var token = JsonSerializer.Deserialize(read.Kvs[0].Value.Span, AccountStorageJson.Default.RefreshToken)!;
        if (token.Used) return false;
        var k = ByteString.CopyFromUtf8(key);
        var use = new TxnRequest();
        use.Compare.Add(new Compare { Key = k, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = read.Kvs[0].ModRevision });
        use.Success.Add(new RequestOp
        {
            RequestPut = new PutRequest { Key = k, Value = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(token with { Used = true }, AccountStorageJson.Default.RefreshToken)) },
        });
        return (await _etcd.Client.TransactionAsync(use, cancellationToken: cancellationToken)).Succeeded;
    }

    public Task RevokeTokenFamilyAsync(string familyId, CancellationToken cancellationToken = default) =>
        _etcd.Client.PutAsync(Prefix + "revoked-families/" + familyId, _clock.GetUtcNow().ToString("O"), cancellationToken: cancellationToken);

    public async Task<bool> IsTokenFamilyRevokedAsync(string familyId, CancellationToken cancellationToken = default) =>
        (await _etcd.Client.GetValAsync(Prefix + "revoked-families/" + familyId, cancellationToken: cancellationToken)).Length > 0;

    /// <summary>
    /// Each revocation is a key under <c>revoked-tokens/</c> on a lease that ends when its token
    /// would have expired, so the range holds only live ones. The cursor is etcd's revision: a read
    /// at revision R sees every write up to R, so asking for mod-revisions above R misses nothing.
    /// </summary>
    public async Task RevokeAccessTokenAsync(RevokedToken token, CancellationToken cancellationToken = default)
    {
        var ttl = Math.Max(1, (long)Math.Ceiling((token.ExpiresAt - _clock.GetUtcNow()).TotalSeconds) + 60);
        var lease = await _etcd.Client.LeaseGrantAsync(new LeaseGrantRequest { TTL = ttl }, cancellationToken: cancellationToken);
        await _etcd.Client.PutAsync(new PutRequest
        {
            Key = ByteString.CopyFromUtf8(Prefix + "revoked-tokens/" + token.TokenId),
            // "expiry" or, since sessions are named, "expiry session": values written before still read.
            Value = ByteString.CopyFromUtf8(token.ExpiresAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)
                + (token.SessionId is { } session ? " " + session : "")),
            Lease = lease.ID,
        }, cancellationToken: cancellationToken);
    }

    public async Task<RevocationPage> ReadRevokedTokensAfterAsync(long cursor, CancellationToken cancellationToken = default)
    {
        var prefix = Prefix + "revoked-tokens/";
        var read = await _etcd.Client.GetAsync(new RangeRequest
        {
            Key = ByteString.CopyFromUtf8(prefix),
            RangeEnd = ByteString.CopyFromUtf8(EtcdClient.GetRangeEnd(prefix)),
            MinModRevision = cursor + 1,
        }, cancellationToken: cancellationToken);
        var now = _clock.GetUtcNow();
        var tokens = read.Kvs
            .Select(kv => (Id: kv.Key.ToStringUtf8()[prefix.Length..], Value: kv.Value.ToStringUtf8().Split(' ', 2)))
            .Select(kv => new RevokedToken(kv.Id, DateTimeOffset.FromUnixTimeSeconds(long.Parse(kv.Value[0], System.Globalization.CultureInfo.InvariantCulture)),
                kv.Value.Length > 1 ? kv.Value[1] : null))
            .Where(t => t.ExpiresAt > now)
            .ToList();
        return new RevocationPage(read.Header.Revision, tokens);
    }

    public Task<bool> TryCreateClientAsync(IntegratorClient client, CancellationToken cancellationToken = default) =>
        _etcd.PutIfAbsentAsync(Prefix + "clients/" + client.ClientId, JsonSerializer.SerializeToUtf8Bytes(client, AccountStorageJson.Default.IntegratorClient), cancellationToken);

    public Task<IntegratorClient?> FindClientAsync(string clientId, CancellationToken cancellationToken = default) =>
        _etcd.GetJsonAsync(Prefix + "clients/" + clientId, AccountStorageJson.Default.IntegratorClient, cancellationToken);

    private int _disposed;

    /// <summary>Safe to call twice: the container disposes it once as each port it serves (IAccountStore, IUserDirectory).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _etcd.Client.CancelWatch(_watch);
        _etcd.Dispose();
    }
}
