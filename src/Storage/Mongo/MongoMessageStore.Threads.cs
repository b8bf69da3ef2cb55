using MongoDB.Driver;

namespace Chat.Storage.Mongo;

// Threads and mentions (issue 25), as in the SQLite adapter: a reply updates its root's summary and makes its
// sender and the root's author followers, in the transaction that stores it; thread unread counts a thread's replies above the cursor.
internal sealed partial class MongoMessageStore
{
    private readonly IMongoCollection<ThreadMemberDocument> _threadMembers;
    private readonly IMongoCollection<MentionDocument> _mentions;

    private void CreateThreadIndexes()
    {
        _messages.Indexes.CreateOne(new CreateIndexModel<MessageDocument>(Builders<MessageDocument>.IndexKeys.Ascending(m => m.ThreadRoot).Ascending(m => m.SequenceNumber),
            new CreateIndexOptions<MessageDocument> { PartialFilterExpression = Builders<MessageDocument>.Filter.Exists(m => m.ThreadRoot) }));
        _messages.Indexes.CreateOne(new CreateIndexModel<MessageDocument>(Builders<MessageDocument>.IndexKeys.Ascending(m => m.ConversationId).Descending("thread.lastReplySeq"),
            new CreateIndexOptions<MessageDocument> { PartialFilterExpression = Builders<MessageDocument>.Filter.Exists(m => m.Thread) }));
        _threadMembers.Indexes.CreateOne(new CreateIndexModel<ThreadMemberDocument>(Builders<ThreadMemberDocument>.IndexKeys.Ascending(t => t.Username).Ascending(t => t.ConversationId)));
        _mentions.Indexes.CreateOne(new CreateIndexModel<MentionDocument>(Builders<MentionDocument>.IndexKeys.Ascending(n => n.ConversationId).Ascending(n => n.Username)
            .Ascending(n => n.SequenceNumber)));
    }

    private static string ThreadMemberId(string rootId, string username) => rootId + "\n" + username;

    private async Task CountThreadAsync(IClientSessionHandle s, NewMessage m, long sequence, DateTimeOffset sentAt, CancellationToken ct)
    {
        if (m.ThreadRoot is { } root)
        {
            var rootDocument = await _messages.FindOneAndUpdateAsync<MessageDocument, MessageDocument>(s, x => x.Id == root, Builders<MessageDocument>.Update
                .Inc(x => x.Thread!.ReplyCount, 1).Set(x => x.Thread!.LastReplyAt, sentAt.UtcDateTime).Set(x => x.Thread!.LastReplySeq, sequence)
                .AddToSet(x => x.Thread!.Participants, m.From), cancellationToken: ct);
            await _threadMembers.UpdateOneAsync(s, t => t.Id == ThreadMemberId(root, m.From), Builders<ThreadMemberDocument>.Update.Set(t => t.Following, true)
                .SetOnInsert(t => t.RootId, root).SetOnInsert(t => t.ConversationId, m.ConversationId).SetOnInsert(t => t.Username, m.From),
                new UpdateOptions { IsUpsert = true }, ct);
            if (rootDocument is not null && rootDocument.From != m.From)
                await _threadMembers.UpdateOneAsync(s, t => t.Id == ThreadMemberId(root, rootDocument.From), Builders<ThreadMemberDocument>.Update
                    .SetOnInsert(t => t.Following, true).SetOnInsert(t => t.RootId, root).SetOnInsert(t => t.ConversationId, m.ConversationId)
                    .SetOnInsert(t => t.Username, rootDocument.From), new UpdateOptions { IsUpsert = true }, ct);
        }
        foreach (var username in MentionRules.MentionedIn(m))
            await _mentions.ReplaceOneAsync(s, n => n.Id == $"{m.ConversationId}\n{username}\n{sequence}",
                new MentionDocument { Id = $"{m.ConversationId}\n{username}\n{sequence}", ConversationId = m.ConversationId, Username = username, SequenceNumber = sequence },
                new ReplaceOptions { IsUpsert = true }, ct);
    }

    private static FilterDefinition<MessageDocument> Within(IReadOnlyList<MemberInterval> within)
    {
        var f = Builders<MessageDocument>.Filter;
        return f.Or(within.Select(w => w.LeftSeq is { } left
            ? f.Gte(m => m.SequenceNumber, w.JoinedSeq) & f.Lt(m => m.SequenceNumber, left)
            : f.Gte(m => m.SequenceNumber, w.JoinedSeq)));
    }

    public async Task<IReadOnlyList<ThreadView>> ListThreadsAsync(string conversationId, string member, IReadOnlyList<MemberInterval> within, long? beforeReplySeq, int limit,
        CancellationToken cancellationToken = default)
    {
        if (within.Count == 0) return [];
        var f = Builders<MessageDocument>.Filter;
        var filter = f.Eq(m => m.ConversationId, conversationId) & f.Exists(m => m.Thread) & Within(within);
        if (beforeReplySeq is { } before) filter &= f.Lt("thread.lastReplySeq", before);
        var roots = await _messages.Find(filter).Sort(Builders<MessageDocument>.Sort.Descending("thread.lastReplySeq")).Limit(limit).ToListAsync(cancellationToken);
        var views = new List<ThreadView>(roots.Count);
        foreach (var (document, model) in roots.Zip(await ModelsAsync(roots, cancellationToken)))
            views.Add(await ViewAsync(model, document, member, cancellationToken));
        return views;
    }

    public async Task<ThreadView?> FindThreadAsync(string rootId, string member, CancellationToken cancellationToken = default) =>
        await _messages.Find(m => m.Id == rootId).FirstOrDefaultAsync(cancellationToken) is { } document
            ? await ViewAsync((await ModelsAsync([document], cancellationToken))[0], document, member, cancellationToken)
            : null;

    private async Task<ThreadView> ViewAsync(StoredMessage root, MessageDocument document, string member, CancellationToken ct)
    {
        var place = await _threadMembers.Find(t => t.Id == ThreadMemberId(root.MessageId, member)).FirstOrDefaultAsync(ct);
        var lastRead = place?.LastReadSeq ?? 0;
        return new ThreadView(root, place?.Following ?? false, lastRead, await CountThreadUnreadAsync(root.MessageId, member, lastRead, ct), document.Thread?.LastReplySeq ?? 0);
    }

    private Task<long> CountThreadUnreadAsync(string rootId, string member, long lastRead, CancellationToken ct) =>
        _messages.CountDocumentsAsync(m => m.ThreadRoot == rootId && m.SequenceNumber > lastRead && m.From != member && m.To.Contains(member), cancellationToken: ct);

    public async Task<IReadOnlyList<StoredMessage>> GetThreadRepliesAsync(string rootId, IReadOnlyList<MemberInterval> within, long? afterSequence, long? beforeSequence, int limit,
        CancellationToken cancellationToken = default)
    {
        if (within.Count == 0) return [];
        var f = Builders<MessageDocument>.Filter;
        var filter = f.Eq(m => m.ThreadRoot, rootId) & f.Gt(m => m.SequenceNumber, afterSequence ?? 0) & Within(within);
        if (beforeSequence is { } before) filter &= f.Lt(m => m.SequenceNumber, before);
        var backwards = afterSequence is null && beforeSequence is not null;
        var find = _messages.Find(filter);
        var page = await (backwards ? find.SortByDescending(m => m.SequenceNumber) : find.SortBy(m => m.SequenceNumber)).Limit(limit).ToListAsync(cancellationToken);
        if (backwards) page.Reverse();
        return await ModelsAsync(page, cancellationToken);
    }

    public Task SetFollowingAsync(string rootId, string conversationId, string member, bool following, CancellationToken cancellationToken = default) =>
        _threadMembers.UpdateOneAsync(t => t.Id == ThreadMemberId(rootId, member), Builders<ThreadMemberDocument>.Update.Set(t => t.Following, following)
            .SetOnInsert(t => t.RootId, rootId).SetOnInsert(t => t.ConversationId, conversationId).SetOnInsert(t => t.Username, member),
            new UpdateOptions { IsUpsert = true }, cancellationToken);

    public async Task<IReadOnlyList<ThreadReadState>> MoveThreadCursorsAsync(IReadOnlyList<ThreadCursorMove> moves, CancellationToken cancellationToken = default)
    {
        var moved = new Dictionary<(string, string), ThreadReadState>();
        foreach (var move in moves)
        {
            var root = await _messages.Find(m => m.Id == move.RootId && m.ConversationId == move.ConversationId).FirstOrDefaultAsync(cancellationToken);
            var upTo = Math.Min(move.UpToSequence, root?.Thread?.LastReplySeq ?? 0);
            // Forward only: the filter matches only a cursor below upTo (or none yet, then inserted not following).
            var id = ThreadMemberId(move.RootId, move.Username);
            var place = await _threadMembers.Find(t => t.Id == id).FirstOrDefaultAsync(cancellationToken);
            if (upTo <= (place?.LastReadSeq ?? 0)) continue;
            await _threadMembers.UpdateOneAsync(t => t.Id == id && t.LastReadSeq < upTo, Builders<ThreadMemberDocument>.Update.Set(t => t.LastReadSeq, upTo)
                .SetOnInsert(t => t.Following, false).SetOnInsert(t => t.RootId, move.RootId).SetOnInsert(t => t.ConversationId, move.ConversationId)
                .SetOnInsert(t => t.Username, move.Username), new UpdateOptions { IsUpsert = place is null }, cancellationToken);
            moved[(move.RootId, move.Username)] = new ThreadReadState(move.ConversationId, move.RootId, move.Username, upTo,
                await CountThreadUnreadAsync(move.RootId, move.Username, upTo, cancellationToken));
        }
        return moved.Values.ToList();
    }

    public async Task<IReadOnlyDictionary<string, ConversationBadges>> BadgesAsync(string member, IReadOnlyList<string> conversationIds, CancellationToken cancellationToken = default)
    {
        var badges = new Dictionary<string, ConversationBadges>();
        foreach (var id in conversationIds.Distinct())
        {
            var followed = await _threadMembers.Find(t => t.Username == member && t.ConversationId == id && t.Following).ToListAsync(cancellationToken);
            long threadUnread = 0;
            foreach (var thread in followed) threadUnread += await CountThreadUnreadAsync(thread.RootId, member, thread.LastReadSeq, cancellationToken);
            var lastRead = (await _reads.Find(r => r.Id == ReadId(id, member)).FirstOrDefaultAsync(cancellationToken))?.LastReadSeq ?? 0;
            var mentions = await _mentions.CountDocumentsAsync(n => n.ConversationId == id && n.Username == member && n.SequenceNumber > lastRead, cancellationToken: cancellationToken);
            badges[id] = new ConversationBadges(threadUnread, mentions);
        }
        return badges;
    }
}
