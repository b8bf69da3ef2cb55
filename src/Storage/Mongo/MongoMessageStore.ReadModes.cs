using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;

namespace Chat.Storage.Mongo;

// Private read mode and conversation epochs (issue 25), as in the SQLite adapter.
internal sealed partial class MongoMessageStore
{
    private readonly IMongoCollection<PrivateReaderDocument> _privateReaders;
    private readonly IMongoCollection<RestoreDocument> _restores;

    public async Task SetPrivateReadsAsync(string username, bool on, CancellationToken cancellationToken = default)
    {
        if (on)
            await _privateReaders.ReplaceOneAsync(p => p.Id == username, new PrivateReaderDocument { Id = username }, new ReplaceOptions { IsUpsert = true },
                cancellationToken);
        else
            await _privateReaders.DeleteOneAsync(p => p.Id == username, cancellationToken);
    }

    public async Task<IReadOnlySet<string>> PrivateReadersAsync(IReadOnlyCollection<string> usernames, CancellationToken cancellationToken = default) =>
        usernames.Count == 0
            ? new HashSet<string>()
            : (await _privateReaders.Find(Builders<PrivateReaderDocument>.Filter.In(p => p.Id, usernames)).Project(p => p.Id).ToListAsync(cancellationToken)).ToHashSet();

    /// <summary>A conversation written before epochs existed gets its first one when first asked (only if it still has none).</summary>
    public async Task<string?> EpochOfAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        var conversation = await _conversations.Find(c => c.Id == conversationId).FirstOrDefaultAsync(cancellationToken);
        if (conversation is null) return null;
        if (conversation.Epoch is { } epoch) return epoch;
        await _conversations.UpdateOneAsync(c => c.Id == conversationId && c.Epoch == null, Builders<ConversationDocument>.Update.Set(c => c.Epoch, Epochs.New()),
            cancellationToken: cancellationToken);
        return (await _conversations.Find(c => c.Id == conversationId).FirstOrDefaultAsync(cancellationToken))?.Epoch;
    }

    public async Task<string?> RenewEpochAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        var epoch = Epochs.New();
        var updated = await _conversations.UpdateOneAsync(c => c.Id == conversationId, Builders<ConversationDocument>.Update.Set(c => c.Epoch, epoch),
            cancellationToken: cancellationToken);
        return updated.MatchedCount == 0 ? null : epoch;
    }

    /// <summary>
    /// Renews first, records after: a crash between them renews again on the next start (clients re-sync once more),
    /// never records a restore whose epochs stayed. Two services starting at once may both renew: harmless too.
    /// </summary>
    public async Task<bool> RenewEpochsAfterRestoreAsync(string restoreId, CancellationToken cancellationToken = default)
    {
        if (await _restores.Find(r => r.Id == restoreId).AnyAsync(cancellationToken)) return false;
        await _conversations.UpdateManyAsync(Builders<ConversationDocument>.Filter.Empty, Builders<ConversationDocument>.Update.Set(c => c.Epoch, Epochs.New()),
            cancellationToken: cancellationToken);
        await _restores.ReplaceOneAsync(r => r.Id == restoreId, new RestoreDocument { Id = restoreId, AppliedAt = _clock.GetUtcNow().UtcDateTime },
            new ReplaceOptions { IsUpsert = true }, cancellationToken);
        return true;
    }
}

internal sealed class RestoreDocument
{
    [BsonId] public required string Id { get; init; }
    public DateTime AppliedAt { get; init; }
}

internal sealed class PrivateReaderDocument
{
    [BsonId] public required string Id { get; init; }
}
