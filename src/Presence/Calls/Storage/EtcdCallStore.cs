using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Chat.Storage.Etcd;
using Etcdserverpb;
using Google.Protobuf;

namespace Chat.Presence.Calls.Storage;

/// <summary>
/// Calls in etcd, shared by every Presence node: <c>calls/by-id/{call}</c> holds the call (its
/// <see cref="Call.Sequence"/> is that key's create revision, so it grows across nodes),
/// <c>calls/ringing/{call}</c> marks one still ringing for the ring-timeout sweep, and
/// <c>calls/history/{user}/{sequence, 19 digits}</c> lists a participant's calls in order.
/// A change is a transaction comparing the mod revision read, so of two nodes changing a call at once one wins.
/// </summary>
internal sealed class EtcdCallStore : ICallStore, IDisposable
{
    private readonly EtcdKeyValue _etcd;

    public EtcdCallStore(string endpoints, string prefix)
    {
        _etcd = new EtcdKeyValue(endpoints, prefix);
        _etcd.Migrate("calls", (1, EtcdKeyValue.Unchanged));
    }

    private string ById(string callId) => $"{_etcd.Prefix}calls/by-id/{callId}";

    private string Ringing(string callId) => $"{_etcd.Prefix}calls/ringing/{callId}";

    private string HistoryOf(string username) => $"{_etcd.Prefix}calls/history/{username}/";

    public async Task<Call> CreateAsync(Call call, CancellationToken cancellationToken = default)
    {
        var key = ByteString.CopyFromUtf8(ById(call.CallId));
        var create = new TxnRequest();
        create.Compare.Add(new Compare { Key = key, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 });
        create.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = key, Value = Json(call) } });
        if (call.State == Call.Ringing) create.Success.Add(Put(Ringing(call.CallId), call.CallId));
        var created = await _etcd.Client.TransactionAsync(create, cancellationToken: cancellationToken);
        if (!created.Succeeded) throw new InvalidOperationException($"Call '{call.CallId}' exists already.");
        // The history entries need the revision, known only now; a crash in between leaves a call out of history, never a wrong one in it.
        var sequence = created.Header.Revision;
        var index = new TxnRequest();
        foreach (var username in call.Participants) index.Success.Add(Put(HistoryOf(username) + SequenceText(sequence), call.CallId));
        await _etcd.Client.TransactionAsync(index, cancellationToken: cancellationToken);
        return call with { Sequence = sequence };
    }

    public async Task<Call?> FindAsync(string callId, CancellationToken cancellationToken = default) =>
        (await ReadAsync(callId, cancellationToken))?.Call;

    public async Task<bool> UpdateAsync(Call changed, CancellationToken cancellationToken = default)
    {
        if (await ReadAsync(changed.CallId, cancellationToken) is not var (stored, modRevision) || stored.Version != changed.Version - 1) return false;
        var key = ByteString.CopyFromUtf8(ById(changed.CallId));
        var update = new TxnRequest();
        update.Compare.Add(new Compare { Key = key, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = modRevision });
        update.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = key, Value = Json(changed with { Sequence = 0 }) } });
        if (changed.State != Call.Ringing)
            update.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = ByteString.CopyFromUtf8(Ringing(changed.CallId)) } });
        return (await _etcd.Client.TransactionAsync(update, cancellationToken: cancellationToken)).Succeeded;
    }

    public async Task<IReadOnlyList<Call>> HistoryAsync(string username, long beforeSequence, int limit, CancellationToken cancellationToken = default)
    {
        var prefix = HistoryOf(username);
        var page = await _etcd.Client.GetAsync(new RangeRequest
        {
            Key = ByteString.CopyFromUtf8(prefix),
            RangeEnd = beforeSequence > 0 ? ByteString.CopyFromUtf8(prefix + SequenceText(beforeSequence)) : RangeEnd(prefix),
            SortOrder = RangeRequest.Types.SortOrder.Descend,
            SortTarget = RangeRequest.Types.SortTarget.Key,
            Limit = limit,
        }, cancellationToken: cancellationToken);
        var calls = await Task.WhenAll(page.Kvs.Select(kv => FindAsync(kv.Value.ToStringUtf8(), cancellationToken)));
        return calls.OfType<Call>().ToList();
    }

    public async Task<IReadOnlyList<Call>> RingingSinceBeforeAsync(DateTimeOffset startedBefore, CancellationToken cancellationToken = default)
    {
        var ringing = await _etcd.Client.GetRangeAsync($"{_etcd.Prefix}calls/ringing/", cancellationToken: cancellationToken);
        var calls = await Task.WhenAll(ringing.Kvs.Select(kv => FindAsync(kv.Value.ToStringUtf8(), cancellationToken)));
        return calls.OfType<Call>().Where(c => c.State == Call.Ringing && c.StartedAt < startedBefore).OrderBy(c => c.StartedAt).Take(100).ToList();
    }

    private async Task<(Call Call, long ModRevision)?> ReadAsync(string callId, CancellationToken cancellationToken)
    {
        var found = await _etcd.Client.GetAsync(ById(callId), cancellationToken: cancellationToken);
        if (found.Kvs.Count == 0) return null;
        var kv = found.Kvs[0];
        return (JsonSerializer.Deserialize(kv.Value.Span, CallStorageJson.Default.Call)! with { Sequence = kv.CreateRevision }, kv.ModRevision);
    }

    private static ByteString Json(Call call) => ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(call, CallStorageJson.Default.Call));

    private static RequestOp Put(string key, string value) =>
        new() { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value) } };

    /// <summary>Zero-padded, so etcd's byte order is the numeric order.</summary>
    private static string SequenceText(long sequence) => sequence.ToString("D19", CultureInfo.InvariantCulture);

    private static ByteString RangeEnd(string prefix)
    {
        var end = System.Text.Encoding.UTF8.GetBytes(prefix);
        end[^1]++;
        return ByteString.CopyFrom(end);
    }

    public void Dispose() => _etcd.Dispose();
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Call))]
internal sealed partial class CallStorageJson : JsonSerializerContext;
