using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;

namespace Chat.Storage.Mongo;

// Read cursors and unread counters, as in the SQLite adapter (ReadCounters.cs): kept in the
// transaction that stores a message; a cursor move finds its read count by one index seek.
internal sealed partial class MongoMessageStore
{
    private readonly IMongoCollection<MemberReadDocument> _reads;
    private readonly IMongoCollection<MemberInboxDocument> _inbox;
    private readonly IMongoCollection<ActivityDocument> _activity;

    private void CreateReadIndexes()
    {
        _reads.Indexes.CreateOne(new CreateIndexModel<MemberReadDocument>(Builders<MemberReadDocument>.IndexKeys.Ascending(r => r.Username)));
        _inbox.Indexes.CreateOne(new CreateIndexModel<MemberInboxDocument>(Builders<MemberInboxDocument>.IndexKeys
            .Ascending(i => i.ConversationId).Ascending(i => i.Username).Descending(i => i.SequenceNumber)));
    }

    private static string ReadId(string conversationId, string username) => conversationId + "\n" + username;

    private async Task CountStoredAsync(IClientSessionHandle s, NewMessage m, long sequence, DateTimeOffset sentAt, CancellationToken ct)
    {
        await _activity.ReplaceOneAsync(s, a => a.Id == m.ConversationId, new ActivityDocument
        {
            Id = m.ConversationId, MessageId = m.MessageId, From = m.From, Preview = LastMessage.PreviewOf(m.Payload), SentAt = sentAt.UtcDateTime,
        }, new ReplaceOptions { IsUpsert = true }, ct);
        foreach (var username in UnreadRules.CountsFor(m))
        {
            var read = await _reads.FindOneAndUpdateAsync<MemberReadDocument, MemberReadDocument>(s, r => r.Id == ReadId(m.ConversationId, username),
                Builders<MemberReadDocument>.Update.Inc(r => r.Received, 1).SetOnInsert(r => r.ConversationId, m.ConversationId).SetOnInsert(r => r.Username, username),
                new FindOneAndUpdateOptions<MemberReadDocument, MemberReadDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After }, ct);
            await _inbox.InsertOneAsync(s, new MemberInboxDocument
            {
                Id = $"{m.ConversationId}\n{username}\n{sequence}", ConversationId = m.ConversationId, Username = username, SequenceNumber = sequence, Ordinal = read.Received,
            }, cancellationToken: ct);
        }
    }

    public async Task<IReadOnlyList<ConversationActivity>> ListByActivityAsync(string member, ActivityCursor? after, int limit, CancellationToken cancellationToken = default)
    {
        // A member's conversations are few enough to order in memory; the counters are read, never counted.
        var conversations = await _conversations.Find(Builders<ConversationDocument>.Filter.AnyEq(c => c.Members, member) & await NotArchivedAsync(member, cancellationToken))
            .ToListAsync(cancellationToken);
        var all = await ActivitiesAsync(conversations, member, cancellationToken);
        return all.Where(a => after is null || a.LastActivityAt < after.At || (a.LastActivityAt == after.At && string.CompareOrdinal(a.Conversation.ConversationId, after.ConversationId) < 0))
            .OrderByDescending(a => a.LastActivityAt).ThenByDescending(a => a.Conversation.ConversationId, StringComparer.Ordinal).Take(limit).ToList();
    }

    public async Task<ConversationActivity?> FindActivityAsync(string conversationId, string member, CancellationToken cancellationToken = default)
    {
        var conversation = await _conversations.Find(c => c.Id == conversationId && c.Members.Contains(member)).FirstOrDefaultAsync(cancellationToken);
        return conversation is null ? null : (await ActivitiesAsync([conversation], member, cancellationToken))[0];
    }

    private async Task<List<ConversationActivity>> ActivitiesAsync(List<ConversationDocument> conversations, string member, CancellationToken ct)
    {
        var ids = conversations.Select(c => c.Id).ToList();
        var activity = (await _activity.Find(Builders<ActivityDocument>.Filter.In(a => a.Id, ids)).ToListAsync(ct)).ToDictionary(a => a.Id);
        var reads = (await _reads.Find(Builders<MemberReadDocument>.Filter.In(r => r.Id, ids.Select(id => ReadId(id, member)))).ToListAsync(ct))
            .ToDictionary(r => r.ConversationId);
        return conversations.Select(c =>
        {
            var last = activity.GetValueOrDefault(c.Id) is { } a ? new LastMessage(a.MessageId, a.From, a.Preview, new DateTimeOffset(a.SentAt, TimeSpan.Zero)) : null;
            var read = reads.GetValueOrDefault(c.Id);
            return new ConversationActivity(c.ToModel(), new ReadState(c.Id, member, read?.LastReadSeq ?? 0, read is null ? 0 : read.Received - read.ReadCount),
                last, last?.SentAt ?? new DateTimeOffset(c.CreatedAt, TimeSpan.Zero));
        }).ToList();
    }

    public async Task<IReadOnlyList<ReadState>> UnreadOfAsync(string member, CancellationToken cancellationToken = default)
    {
        var reads = await _reads.Find(r => r.Username == member).ToListAsync(cancellationToken);
        var unread = reads.Where(r => r.Received > r.ReadCount).ToList();
        var memberOf = (await _conversations.Find(Builders<ConversationDocument>.Filter.In(c => c.Id, unread.Select(r => r.ConversationId))
                & Builders<ConversationDocument>.Filter.AnyEq(c => c.Members, member)).Project(c => c.Id).ToListAsync(cancellationToken)).ToHashSet();
        return unread.Where(r => memberOf.Contains(r.ConversationId)).OrderBy(r => r.ConversationId, StringComparer.Ordinal)
            .Select(r => new ReadState(r.ConversationId, member, r.LastReadSeq, r.Received - r.ReadCount)).ToList();
    }

    public async Task<IReadOnlyList<ReadState>> MoveReadCursorsAsync(IReadOnlyList<ReadCursorMove> moves, CancellationToken cancellationToken = default)
    {
        if (moves.Count == 0) return [];
        using var session = await _client.StartSessionAsync(cancellationToken: cancellationToken);
        return await session.WithTransactionAsync<IReadOnlyList<ReadState>>(async (s, ct) =>
        {
            var moved = new Dictionary<string, ReadState>();
            foreach (var move in moves)
            {
                var conversation = await _conversations.Find(s, c => c.Id == move.ConversationId).FirstOrDefaultAsync(ct);
                var upTo = Math.Min(move.UpToSequence, conversation?.LastSeq ?? 0);
                var id = ReadId(move.ConversationId, move.Username);
                var current = await _reads.Find(s, r => r.Id == id).FirstOrDefaultAsync(ct);
                if (move.Back ? upTo >= (current?.LastReadSeq ?? 0) : upTo <= (current?.LastReadSeq ?? 0)) continue;
                var ordinal = await _inbox.Find(s, i => i.ConversationId == move.ConversationId && i.Username == move.Username && i.SequenceNumber <= upTo)
                    .SortByDescending(i => i.SequenceNumber).Project(i => (long?)i.Ordinal).FirstOrDefaultAsync(ct) ?? 0;
                await _reads.UpdateOneAsync(s, r => r.Id == id, Builders<MemberReadDocument>.Update.Set(r => r.LastReadSeq, upTo).Set(r => r.ReadCount, ordinal)
                    .SetOnInsert(r => r.ConversationId, move.ConversationId).SetOnInsert(r => r.Username, move.Username), new UpdateOptions { IsUpsert = true }, ct);
                moved[id] = new ReadState(move.ConversationId, move.Username, upTo, (current?.Received ?? 0) - ordinal);
            }
            return moved.Values.ToList();
        }, cancellationToken: cancellationToken);
    }
}

internal sealed class MemberReadDocument
{
    [BsonId] public required string Id { get; init; }
    public string ConversationId { get; init; } = "";
    public string Username { get; init; } = "";
    public long LastReadSeq { get; init; }
    public long Received { get; init; }
    public long ReadCount { get; init; }
}

/// <summary>One message that counts for a member, numbered among those (its ordinal).</summary>
internal sealed class MemberInboxDocument
{
    [BsonId] public required string Id { get; init; }
    public required string ConversationId { get; init; }
    public required string Username { get; init; }
    public required long SequenceNumber { get; init; }
    public required long Ordinal { get; init; }
}

internal sealed class ActivityDocument
{
    [BsonId] public required string Id { get; init; }
    public required string MessageId { get; init; }
    public required string From { get; init; }
    public required string Preview { get; init; }
    public required DateTime SentAt { get; init; }
}
