using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;

namespace Chat.Storage.Etcd;

/// <summary>
/// One etcd client under one key prefix, with what every etcd adapter needs: JSON values, a put
/// that only a key's first writer wins, and a schema version per component.
/// </summary>
public sealed class EtcdKeyValue : IDisposable
{
    public EtcdKeyValue(string endpoints, string prefix)
    {
        Client = new EtcdClient(endpoints);
        Prefix = prefix.TrimEnd('/') + "/";
    }

    public EtcdClient Client { get; }

    /// <summary>Ends in '/'; every key of the system lives under it.</summary>
    public string Prefix { get; }

    /// <summary>Puts the key only while it does not exist (create-revision 0): of racing writers exactly one wins.</summary>
    public async Task<bool> PutIfAbsentAsync(string key, byte[] value, CancellationToken cancellationToken)
    {
        var k = ByteString.CopyFromUtf8(key);
        var claim = new TxnRequest();
        claim.Compare.Add(new Compare { Key = k, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 });
        claim.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = k, Value = ByteString.CopyFrom(value) } });
        return (await Client.TransactionAsync(claim, cancellationToken: cancellationToken)).Succeeded;
    }

    public async Task<T?> GetJsonAsync<T>(string key, JsonTypeInfo<T> type, CancellationToken cancellationToken) where T : class
    {
        var value = await Client.GetValAsync(key, cancellationToken: cancellationToken);
        return value.Length == 0 ? null : JsonSerializer.Deserialize(value, type);
    }

    public Task PutJsonAsync<T>(string key, T value, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        Client.PutAsync(key, JsonSerializer.Serialize(value, type), cancellationToken: cancellationToken);

    public async Task<IReadOnlyList<T>> GetJsonRangeAsync<T>(string prefix, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        (await Client.GetRangeAsync(prefix, cancellationToken: cancellationToken)).Kvs.Select(kv => JsonSerializer.Deserialize(kv.Value.Span, type)!).ToList();

    /// <summary>
    /// Brings <paramref name="component"/>'s keys to <paramref name="version"/>: runs the steps the
    /// prefix has not seen (recorded at <c>schema/{component}</c>), in order. A prefix written
    /// before versions were recorded is at version 0. Steps must be idempotent (two processes may
    /// start at once).
    /// </summary>
    public void Migrate(string component, params (int Version, Func<EtcdKeyValue, Task> Apply)[] steps)
    {
        var key = Prefix + "schema/" + component;
        var current = int.TryParse(Client.GetVal(key), out var v) ? v : 0;
        foreach (var (version, apply) in steps.OrderBy(s => s.Version).Where(s => s.Version > current))
        {
            apply(this).GetAwaiter().GetResult();
            Client.Put(key, version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>A step for the first version: the keys as the release before versions were recorded wrote them.</summary>
    public static Task Unchanged(EtcdKeyValue _) => Task.CompletedTask;

    private int _disposed;

    /// <summary>Safe to call twice (an adapter serving a port and its narrow read port is disposed as each).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) Client.Dispose();
    }
}
