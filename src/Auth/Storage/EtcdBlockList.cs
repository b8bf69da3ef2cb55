using System.Text.Json;
using System.Text.Json.Serialization;
using Chat.Storage.Etcd;

namespace Chat.Auth.Storage;

/// <summary>Blocks in etcd, one key per block: <c>blocks/{blocker}/{blocked}</c>, so a blocker's list is one range read.</summary>
internal sealed class EtcdBlockList : IBlockList, IDisposable
{
    private readonly EtcdKeyValue _etcd;

    public EtcdBlockList(string endpoints, string prefix)
    {
        _etcd = new EtcdKeyValue(endpoints, prefix);
        _etcd.Migrate("blocks", (1, EtcdKeyValue.Unchanged));
    }

    private string KeysOf(string blocker) => $"{_etcd.Prefix}blocks/{blocker}/";

    public async Task<Block> BlockAsync(Block block, CancellationToken cancellationToken = default)
    {
        var key = KeysOf(block.Blocker) + block.Blocked;
        if (await _etcd.PutIfAbsentAsync(key, JsonSerializer.SerializeToUtf8Bytes(block, BlockJson.Default.Block), cancellationToken)) return block;
        return await _etcd.GetJsonAsync(key, BlockJson.Default.Block, cancellationToken) ?? block;
    }

    public async Task<bool> UnblockAsync(string blocker, string blocked, CancellationToken cancellationToken = default) =>
        (await _etcd.Client.DeleteAsync(KeysOf(blocker) + blocked, cancellationToken: cancellationToken)).Deleted > 0;

    public async Task<IReadOnlyList<Block>> ListAsync(string blocker, CancellationToken cancellationToken = default) =>
        (await _etcd.GetJsonRangeAsync(KeysOf(blocker), BlockJson.Default.Block, cancellationToken)).OrderBy(b => b.Blocked, StringComparer.Ordinal).ToList();

    public async Task<bool> HasBlockedAsync(string blocker, string blocked, CancellationToken cancellationToken = default) =>
        (await _etcd.Client.GetValAsync(KeysOf(blocker) + blocked, cancellationToken: cancellationToken)).Length > 0;

    public async Task<IReadOnlySet<string>> BlockedByAsync(string blocker, CancellationToken cancellationToken = default) =>
        (await ListAsync(blocker, cancellationToken)).Select(b => b.Blocked).ToHashSet();

    /// <summary>Safe to call twice: the container disposes it once as each port it serves.</summary>
    public void Dispose() => _etcd.Dispose();
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Block))]
internal sealed partial class BlockJson : JsonSerializerContext;
