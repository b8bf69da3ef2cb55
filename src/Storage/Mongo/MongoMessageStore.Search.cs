using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;

namespace Chat.Storage.Mongo;

// Full-text search, stars and history backwards (issue 17), as in the SQLite adapter. The text index
// follows payload.text wherever it is written (MongoDB keeps an index in the write's transaction), so
// an edit is found by its new words and a text set to null is found no more.
internal sealed partial class MongoMessageStore
{
    private IMongoCollection<StarDocument> Stars => _messages.Database.GetCollection<StarDocument>("stars");

    private void CreateSearchIndexes()
    {
        // No stemming and no stop words ("none"), as SQLite's unicode61; version 3 text indexes fold case and diacritics.
        _messages.Indexes.CreateOne(new CreateIndexModel<MessageDocument>(Builders<MessageDocument>.IndexKeys.Text(m => m.Payload.Text),
            new CreateIndexOptions { Name = "message_text", DefaultLanguage = "none" }));
        _conversations.Indexes.CreateOne(new CreateIndexModel<ConversationDocument>(Builders<ConversationDocument>.IndexKeys.Ascending("intervals.username")));
        Stars.Indexes.CreateOne(new CreateIndexModel<StarDocument>(Builders<StarDocument>.IndexKeys
            .Ascending(s => s.Username).Descending(s => s.StarredAt).Descending(s => s.MessageId)));
    }

    /// <remarks>
    /// Each word is a quoted phrase, so every one must occur (MongoDB ORs bare terms) and no input is
    /// query syntax. MongoDB matches a phrase inside words too, and the last word is not a prefix here.
    /// </remarks>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(MessageQuery query, string? afterMessageId, int limit, CancellationToken cancellationToken = default)
    {
        if (query.Words.Count == 0) return [];
        var f = Builders<MessageDocument>.Filter;
        var conversations = await _conversations
            .Find(Builders<ConversationDocument>.Filter.AnyEq(c => c.Members, query.Reader) | Builders<ConversationDocument>.Filter.Eq("intervals.username", query.Reader))
            .ToListAsync(cancellationToken);
        var readable = conversations.Where(c => query.ConversationId is null || c.Id == query.ConversationId)
            .SelectMany(c => c.IntervalsModel().Where(i => i.Username == query.Reader).Select(i => (c.Id, Stretch: i)))
            .Select(x => f.Eq(m => m.ConversationId, x.Id) & f.Gte(m => m.SequenceNumber, x.Stretch.JoinedSeq)
                         & (x.Stretch.LeftSeq is { } left ? f.Lt(m => m.SequenceNumber, left) : f.Empty))
            .ToList();
        if (readable.Count == 0) return [];
        var filter = f.Text(string.Join(" ", query.Words.Select(w => "\"" + w.Replace("\"", "") + "\"")), new TextSearchOptions { Language = "none" })
                     & f.Or(readable);
        if (query.From is not null) filter &= f.Eq(m => m.From, query.From);
        if (afterMessageId is not null)
        {
            if (await _messages.Find(m => m.Id == afterMessageId).FirstOrDefaultAsync(cancellationToken) is not { } last) return [];
            filter &= f.Lt(m => m.SentAt, last.SentAt) | (f.Eq(m => m.SentAt, last.SentAt) & f.Lt(m => m.Id, last.Id));
        }
        var page = await _messages.Find(filter).SortByDescending(m => m.SentAt).ThenByDescending(m => m.Id).Limit(limit).ToListAsync(cancellationToken);
        return page.Select(d =>
        {
            var message = d.ToModel();
            var (snippet, highlights) = SearchText.Snippet(message.Payload.Text ?? "", query.Words, prefixLast: false);
            return new SearchHit(message, snippet, highlights);
        }).ToList();
    }

    public async Task<IReadOnlyList<StoredMessage>> GetMessagesBeforeWithinAsync(string conversationId, IReadOnlyList<MemberInterval> within, long beforeSequence,
        int limit, CancellationToken cancellationToken = default)
    {
        if (within.Count == 0) return [];
        var f = Builders<MessageDocument>.Filter;
        var ranges = f.Or(within.Select(w => w.LeftSeq is { } left
            ? f.Gte(m => m.SequenceNumber, w.JoinedSeq) & f.Lt(m => m.SequenceNumber, left)
            : f.Gte(m => m.SequenceNumber, w.JoinedSeq)));
        var page = await _messages.Find(f.Eq(m => m.ConversationId, conversationId) & f.Lt(m => m.SequenceNumber, beforeSequence) & ranges)
            .SortByDescending(m => m.SequenceNumber).Limit(limit).ToListAsync(cancellationToken);
        return page.Select(m => m.ToModel()).Reverse().ToList();
    }

    public async Task<DateTimeOffset> StarAsync(string username, string messageId, CancellationToken cancellationToken = default)
    {
        var id = username + "\n" + messageId;
        var update = Builders<StarDocument>.Update.SetOnInsert(s => s.Username, username).SetOnInsert(s => s.MessageId, messageId)
            .SetOnInsert(s => s.StarredAt, _clock.GetUtcNow().UtcDateTime);
        var options = new FindOneAndUpdateOptions<StarDocument, StarDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After };
        StarDocument star;
        try
        {
            star = await Stars.FindOneAndUpdateAsync<StarDocument, StarDocument>(s => s.Id == id, update, options, cancellationToken);
        }
        catch (MongoCommandException e) when (e.Code == 11000)
        {
            // Two requests upserted at once; the other one's star is the one.
            star = await Stars.Find(s => s.Id == id).FirstAsync(cancellationToken);
        }
        return new DateTimeOffset(star.StarredAt, TimeSpan.Zero);
    }

    public Task UnstarAsync(string username, string messageId, CancellationToken cancellationToken = default) =>
        Stars.DeleteOneAsync(s => s.Id == username + "\n" + messageId, cancellationToken);

    public async Task<IReadOnlyList<StarredMessage>> StarredAsync(string username, StarCursor? after, int limit, CancellationToken cancellationToken = default)
    {
        var f = Builders<StarDocument>.Filter;
        var filter = f.Eq(s => s.Username, username);
        if (after is not null)
        {
            var at = after.StarredAt.UtcDateTime;
            filter &= f.Lt(s => s.StarredAt, at) | (f.Eq(s => s.StarredAt, at) & f.Lt(s => s.MessageId, after.MessageId));
        }
        var stars = await Stars.Find(filter).SortByDescending(s => s.StarredAt).ThenByDescending(s => s.MessageId).Limit(limit).ToListAsync(cancellationToken);
        var ids = stars.Select(s => s.MessageId).ToList();
        var messages = (await _messages.Find(Builders<MessageDocument>.Filter.In(m => m.Id, ids)).ToListAsync(cancellationToken)).ToDictionary(m => m.Id);
        return stars.Where(s => messages.ContainsKey(s.MessageId))
            .Select(s => new StarredMessage(messages[s.MessageId].ToModel(), new DateTimeOffset(s.StarredAt, TimeSpan.Zero))).ToList();
    }
}

/// <summary>One user's star on one message; id = username, newline, message id.</summary>
internal sealed class StarDocument
{
    [BsonId] public required string Id { get; init; }
    public required string Username { get; init; }
    public required string MessageId { get; init; }
    public required DateTime StarredAt { get; init; }
}
