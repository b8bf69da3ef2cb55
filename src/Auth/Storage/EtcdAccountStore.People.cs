using System.Text.Json;
using Chat.Storage.Etcd;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;

namespace Chat.Auth.Storage;

/// <summary>
/// Profiles, search words and sessions (issue 24). Each search word is a key
/// <c>user-words/{word}/{username}</c>, so a prefix is one range read; the words change in the
/// transaction that changes the user (compared on its revision). Sessions are
/// <c>sessions/{username}/{session_id}</c>, so a user's are one range read too.
/// </summary>
internal sealed partial class EtcdAccountStore
{
    /// <summary>Word keys read for one search at most: enough for a page of 20 however many words of a user match.</summary>
    private const int SearchKeysRead = 1000;

    private string WordKey(string word, string username) => $"{Prefix}user-words/{word}/{username.ToLowerInvariant()}";

    private string SessionsOf(string username) => $"{Prefix}sessions/{username.ToLowerInvariant()}/";

    private static ByteString Utf8(string text) => ByteString.CopyFromUtf8(text);

    private static IReadOnlySet<string> IndexedWordsOf(User user) => user.IsDeleted ? new HashSet<string>() : UserSearch.WordsOf(user);

    private async Task<bool> PutIfAbsentWithWordsAsync(User user, CancellationToken cancellationToken)
    {
        var key = Utf8(KeyOf(user.Username));
        var claim = new TxnRequest();
        claim.Compare.Add(new Compare { Key = key, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 });
        claim.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = key, Value = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(user, AccountStorageJson.Default.User)) } });
        foreach (var word in IndexedWordsOf(user)) claim.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = Utf8(WordKey(word, user.Username)) } });
        return (await _etcd.Client.TransactionAsync(claim, cancellationToken: cancellationToken)).Succeeded;
    }

    /// <summary>Accounts 2: the words of the users registered before search existed (putting a word twice changes nothing).</summary>
    private static async Task IndexExistingUsersAsync(EtcdKeyValue etcd)
    {
        foreach (var user in await etcd.GetJsonRangeAsync(etcd.Prefix + "users/", AccountStorageJson.Default.User, CancellationToken.None))
            if (!user.IsDeleted)
                foreach (var word in UserSearch.WordsOf(user))
                    await etcd.Client.PutAsync($"{etcd.Prefix}user-words/{word}/{user.Username.ToLowerInvariant()}", "");
    }

    public async Task<User?> UpdateUserAsync(string username, Func<User, User> change, CancellationToken cancellationToken = default)
    {
        var key = KeyOf(username);
        while (true)
        {
            var read = await _etcd.Client.GetAsync(key, cancellationToken: cancellationToken);
            if (read.Kvs.Count == 0) return null;
            var user = JsonSerializer.Deserialize(read.Kvs[0].Value.Span, AccountStorageJson.Default.User)!;
            var changed = change(user) with { Username = user.Username };
            var (before, after) = (IndexedWordsOf(user), IndexedWordsOf(changed));
            var txn = new TxnRequest();
            txn.Compare.Add(new Compare { Key = Utf8(key), Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = read.Kvs[0].ModRevision });
            txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = Utf8(key), Value = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(changed, AccountStorageJson.Default.User)) } });
            foreach (var word in before.Except(after)) txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = Utf8(WordKey(word, user.Username)) } });
            foreach (var word in after.Except(before)) txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = Utf8(WordKey(word, user.Username)) } });
            var committed = (await _etcd.Client.TransactionAsync(txn, cancellationToken: cancellationToken)).Succeeded;
            _cache.TryRemove(key, out _);
            if (committed) return changed;
        }
    }

    public async Task<IReadOnlyList<User>> SearchUsersAsync(string prefix, int limit, CancellationToken cancellationToken = default)
    {
        var words = Prefix + "user-words/";
        var read = await _etcd.Client.GetAsync(new RangeRequest
        {
            Key = Utf8(words + prefix),
            RangeEnd = Utf8(EtcdClient.GetRangeEnd(words + prefix)),
            KeysOnly = true,
            Limit = SearchKeysRead,
        }, cancellationToken: cancellationToken);
        var names = read.Kvs.Select(kv => kv.Key.ToStringUtf8()[words.Length..]).Select(k => k[(k.IndexOf('/') + 1)..])
            .Distinct().Order(StringComparer.Ordinal).ToList();
        var found = new List<User>();
        foreach (var name in names)
        {
            if (found.Count == limit) break;
            if (await FindUserAsync(name, cancellationToken) is { IsDeleted: false } user) found.Add(user);
        }
        return found;
    }

    public Task CreateSessionAsync(Session session, CancellationToken cancellationToken = default) =>
        _etcd.PutJsonAsync(SessionsOf(session.Username) + session.SessionId, session, AccountStorageJson.Default.Session, cancellationToken);

    public async Task<bool> RecordSessionUseAsync(string username, string sessionId, SessionAccessToken token, DateTimeOffset at, DateTimeOffset expiresAt,
        CancellationToken cancellationToken = default)
    {
        var key = SessionsOf(username) + sessionId;
        while (true)
        {
            var read = await _etcd.Client.GetAsync(key, cancellationToken: cancellationToken);
            if (read.Kvs.Count == 0) return false;
            var session = JsonSerializer.Deserialize(read.Kvs[0].Value.Span, AccountStorageJson.Default.Session)!;
            var used = session with { LastUsedAt = at, ExpiresAt = expiresAt, AccessTokens = session.AccessTokens.Where(t => t.ExpiresAt > at).Append(token).ToList() };
            var txn = new TxnRequest();
            txn.Compare.Add(new Compare { Key = Utf8(key), Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = read.Kvs[0].ModRevision });
            txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = Utf8(key), Value = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(used, AccountStorageJson.Default.Session)) } });
            if ((await _etcd.Client.TransactionAsync(txn, cancellationToken: cancellationToken)).Succeeded) return true;
        }
    }

    public async Task<IReadOnlyList<Session>> ListSessionsAsync(string username, CancellationToken cancellationToken = default) =>
        (await _etcd.GetJsonRangeAsync(SessionsOf(username), AccountStorageJson.Default.Session, cancellationToken))
        .OrderBy(s => s.CreatedAt).ThenBy(s => s.SessionId, StringComparer.Ordinal).ToList();

    /// <summary>The delete hands back the value it removed, so of racing deleters one gets the session.</summary>
    public async Task<Session?> DeleteSessionAsync(string username, string sessionId, CancellationToken cancellationToken = default)
    {
        var delete = new TxnRequest();
        delete.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = Utf8(SessionsOf(username) + sessionId), PrevKv = true } });
        var removed = (await _etcd.Client.TransactionAsync(delete, cancellationToken: cancellationToken)).Responses[0].ResponseDeleteRange.PrevKvs;
        return removed.Count == 0 ? null : JsonSerializer.Deserialize(removed[0].Value.Span, AccountStorageJson.Default.Session);
    }
}
