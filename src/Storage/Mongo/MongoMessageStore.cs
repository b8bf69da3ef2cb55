using Chat.Shared;
using MongoDB.Driver;

namespace Chat.Storage.Mongo;

/// <summary>
/// The message store on a MongoDB replica set: write concern majority, reads primaryPreferred.
/// Each batch is one multi-document transaction, so a message, its sequence number (an atomic
/// counter on its conversation) and its history commit together, as in the SQLite adapter.
/// </summary>
internal sealed partial class MongoMessageStore : IMessageStore
{
    private readonly IMongoClient _client;
    private readonly IMongoCollection<ConversationDocument> _conversations;
    private readonly IMongoCollection<MessageDocument> _messages;
    private readonly IMongoCollection<HistoryDocument> _history;
    private readonly IMongoCollection<CounterDocument> _counters;
    private readonly IMongoCollection<RefusedChangeDocument> _refusedChanges;
    private readonly IMongoCollection<ArchiveDocument> _archives;
    private readonly TimeProvider _clock;

    public MongoMessageStore(string connectionString, string database, TimeProvider clock)
    {
        (_client, var db) = MongoConnection.Open(connectionString, database, typeof(MongoMessageStore).Namespace!);
        _conversations = db.GetCollection<ConversationDocument>("conversations");
        _messages = db.GetCollection<MessageDocument>("messages");
        _history = db.GetCollection<HistoryDocument>("status_history");
        _counters = db.GetCollection<CounterDocument>("counters");
        _refusedChanges = db.GetCollection<RefusedChangeDocument>("refused_changes");
        _archives = db.GetCollection<ArchiveDocument>("archives");
        _messageChanges = db.GetCollection<MessageChangeDocument>("message_changes");
        _clock = clock;
        (_reads, _inbox, _activity) = (db.GetCollection<MemberReadDocument>("member_reads"), db.GetCollection<MemberInboxDocument>("member_inbox"),
            db.GetCollection<ActivityDocument>("conversation_activity"));
        CreateIndexes();
        CreateReadIndexes();
        CreateSearchIndexes();
        (_threadMembers, _mentions) = (db.GetCollection<ThreadMemberDocument>("thread_members"), db.GetCollection<MentionDocument>("member_mentions"));
        CreateThreadIndexes();
        _pins = db.GetCollection<PinDocument>("message_pins");
        _privateReaders = db.GetCollection<PrivateReaderDocument>("private_readers");
        _restores = db.GetCollection<RestoreDocument>("restores");
    }

    private void CreateIndexes()
    {
        _conversations.Indexes.CreateMany([
            new CreateIndexModel<ConversationDocument>(Builders<ConversationDocument>.IndexKeys.Ascending(c => c.DirectKey),
                new CreateIndexOptions<ConversationDocument> { Unique = true, PartialFilterExpression = Builders<ConversationDocument>.Filter.Exists(c => c.DirectKey) }),
            new CreateIndexModel<ConversationDocument>(Builders<ConversationDocument>.IndexKeys.Ascending(c => c.Members).Descending(c => c.Id)),
        ]);
        var m = Builders<MessageDocument>.IndexKeys;
        _messages.Indexes.CreateMany([
            new CreateIndexModel<MessageDocument>(m.Ascending(x => x.ConversationId).Ascending(x => x.SequenceNumber), new CreateIndexOptions { Unique = true }),
            new CreateIndexModel<MessageDocument>(m.Ascending(x => x.From)),
            new CreateIndexModel<MessageDocument>(m.Ascending(x => x.To)),
            new CreateIndexModel<MessageDocument>(m.Ascending(x => x.AcceptedAt)),
            new CreateIndexModel<MessageDocument>(m.Ascending("recipients.username").Ascending("recipients.channel").Ascending("recipients.status")),
        ]);
        _history.Indexes.CreateMany([
            new CreateIndexModel<HistoryDocument>(Builders<HistoryDocument>.IndexKeys.Ascending(h => h.MessageId).Ascending(h => h.Id)),
            new CreateIndexModel<HistoryDocument>(Builders<HistoryDocument>.IndexKeys.Ascending(h => h.Published).Ascending(h => h.Id)),
        ]);
    }

    public async Task<(Conversation Conversation, bool Created)> CreateConversationAsync(Conversation draft, CancellationToken cancellationToken = default)
    {
        var directKey = draft.Type == Conversation.Direct ? string.Join("\n", draft.Members.Order(StringComparer.Ordinal)) : null;
        if (directKey is not null && await FindDirectAsync(directKey, cancellationToken) is { } existing) return (existing, false);
        try
        {
            await _conversations.InsertOneAsync(new ConversationDocument
            {
                Id = draft.ConversationId, Type = draft.Type, Title = draft.Title, DirectKey = directKey, Members = draft.Members.ToList(),
                CreatedBy = draft.CreatedBy, CreatedAt = draft.CreatedAt.UtcDateTime, Epoch = Epochs.New(),
                Intervals = ConversationDocument.ToDocuments(draft.Members.Select(m => new MemberInterval(m,
                    draft.Type != Conversation.Group ? null : m == draft.CreatedBy ? Roles.Owner : Roles.Member, 0, null, draft.CreatedAt))),
            }, cancellationToken: cancellationToken);
            return (draft, true);
        }
        catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey && directKey is not null)
        {
            // Both members asked at once; the other request's conversation is the one.
            return ((await FindDirectAsync(directKey, cancellationToken))!, false);
        }
    }

    private async Task<Conversation?> FindDirectAsync(string directKey, CancellationToken ct) =>
        (await _conversations.Find(c => c.DirectKey == directKey).FirstOrDefaultAsync(ct))?.ToModel();

    public async Task<Conversation?> FindConversationAsync(string conversationId, CancellationToken cancellationToken = default) =>
        (await _conversations.Find(c => c.Id == conversationId).FirstOrDefaultAsync(cancellationToken))?.ToModel();

    public async Task<IReadOnlyList<Conversation>> ListConversationsAsync(string member, string? before, int limit, CancellationToken cancellationToken = default)
    {
        var filter = Builders<ConversationDocument>.Filter.AnyEq(c => c.Members, member) & await NotArchivedAsync(member, cancellationToken);
        if (before is not null) filter &= Builders<ConversationDocument>.Filter.Lt(c => c.Id, before);
        var page = await _conversations.Find(filter).SortByDescending(c => c.Id).Limit(limit).ToListAsync(cancellationToken);
        return page.Select(c => c.ToModel()).ToList();
    }

    public async Task<IReadOnlyList<StoreResult>> StoreAsync(IReadOnlyList<MessageToStore> batch, CancellationToken cancellationToken = default)
    {
        using var session = await _client.StartSessionAsync(cancellationToken: cancellationToken);
        return await session.WithTransactionAsync<IReadOnlyList<StoreResult>>(async (s, ct) =>
        {
            var now = _clock.GetUtcNow();
            var results = new List<StoreResult>(batch.Count);
            var nextId = await ReserveHistoryIdsAsync(s, batch.Sum(b => b.Deliveries.Count + 1), ct);
            foreach (var (m, deliveries, refusedBecause) in batch)
            {
                // The session sees its own writes, so an id repeated within the batch is found here too.
                if (await _messages.Find(s, x => x.Id == m.MessageId).FirstOrDefaultAsync(ct) is { } existing)
                {
                    var stored = new MessagePayload(existing.Payload.Type, existing.Payload.Text, existing.Payload.FileId);
                    if (MessageIds.SameMessage(m, existing.ConversationId, existing.From, stored, changedSince: existing.Version > 1 || existing.DeletedAt is not null))
                        results.Add(new StoreResult(m, StoreOutcome.Duplicate, existing.SequenceNumber, new DateTimeOffset(existing.SentAt, TimeSpan.Zero)));
                    else
                        results.Add(await RefuseAsync(s, m, deliveries, now, MessageIds.ClashDetail(m.MessageId), StoreOutcome.Clash, ct));
                    continue;
                }
                // A sender who is no member: only the failed deliveries are recorded. Refused at a first pass of this
                // record, it is refused again on a replay, whatever the membership is now.
                if (refusedBecause is not null || await WasRefusedAsync(s, m, ct))
                {
                    results.Add(await RefuseAsync(s, m, deliveries, now, refusedBecause ?? "", StoreOutcome.NotMember, ct));
                    continue;
                }
                var conversation = await _conversations.FindOneAndUpdateAsync<ConversationDocument, ConversationDocument>(s, c => c.Id == m.ConversationId,
                    Builders<ConversationDocument>.Update.Inc(c => c.LastSeq, 1),
                    new FindOneAndUpdateOptions<ConversationDocument, ConversationDocument> { ReturnDocument = ReturnDocument.After }, ct);
                if (conversation is null)
                {
                    results.Add(new StoreResult(m, StoreOutcome.UnknownConversation, 0));
                    continue;
                }
                var seq = conversation.LastSeq;
                await _messages.InsertOneAsync(s, new MessageDocument
                {
                    Id = m.MessageId, ConversationId = m.ConversationId, SequenceNumber = seq, From = m.From, To = m.To.ToList(), Channels = m.Channels.ToList(),
                    Payload = PayloadDocument.Of(m.Payload),
                    AcceptedAt = m.AcceptedAt.UtcDateTime, SentAt = now.UtcDateTime, ReplyTo = m.ReplyTo,
                    ThreadRoot = m.ThreadRoot, AlsoToConversation = m.AlsoToConversation, Mentions = m.Mentions is { Count: > 0 } mentions ? mentions.ToList() : null,
                    Recipients = deliveries.Select(d => new RecipientDocument { Username = d.Recipient, Channel = d.Channel, Status = d.Status, UpdatedAt = now.UtcDateTime }).ToList(),
                }, cancellationToken: ct);
                var history = deliveries.Select(d => new HistoryDocument
                {
                    Id = nextId++, MessageId = m.MessageId, ConversationId = m.ConversationId, SequenceNumber = seq, From = m.From,
                    Status = d.Status, At = now.UtcDateTime, Recipient = d.Recipient, Channel = d.Channel, Detail = d.Detail,
                    Published = SystemMessages.BornPublished(m),
                }).Prepend(new HistoryDocument
                {
                    // "accepted" is the Frontend's 202: history, not news, so it is born published.
                    Id = nextId++, MessageId = m.MessageId, ConversationId = m.ConversationId, SequenceNumber = seq, From = m.From,
                    Status = MessageStatus.Accepted, At = m.AcceptedAt.UtcDateTime, Published = true,
                }).ToList();
                await _history.InsertManyAsync(s, history, cancellationToken: ct);
                await CountStoredAsync(s, m, seq, now, ct);
                await CountThreadAsync(s, m, seq, now, ct);
                results.Add(new StoreResult(m, StoreOutcome.Stored, seq, now, history.Where(h => !h.Published).Select(h => h.ToModel()).ToList()));
            }
            return results;
        }, cancellationToken: cancellationToken);
    }

    /// <summary>The id is another message's: records this one's deliveries failed, once (a replayed record finds them recorded).</summary>
    private async Task<StoreResult> RefuseAsync(IClientSessionHandle s, NewMessage m, IReadOnlyList<Delivery> deliveries, DateTimeOffset now, string detail,
        StoreOutcome outcome, CancellationToken ct)
    {
        if (await WasRefusedAsync(s, m, ct)) return new StoreResult(m, outcome, 0, Changes: []);
        var nextId = await ReserveHistoryIdsAsync(s, deliveries.Count, ct);
        var failed = deliveries.Select(d => new HistoryDocument
        {
            Id = nextId++, MessageId = m.MessageId, ConversationId = m.ConversationId, SequenceNumber = 0, From = m.From,
            Status = MessageStatus.Failed, At = now.UtcDateTime, Recipient = d.Recipient, Channel = d.Channel, Detail = detail, Refused = true,
        }).ToList();
        if (failed.Count > 0) await _history.InsertManyAsync(s, failed, cancellationToken: ct);
        return new StoreResult(m, outcome, 0, Changes: failed.Select(h => h.ToModel()).ToList());
    }

    private Task<bool> WasRefusedAsync(IClientSessionHandle s, NewMessage m, CancellationToken ct) =>
        _history.Find(s, h => h.MessageId == m.MessageId && h.Refused && h.ConversationId == m.ConversationId && h.From == m.From).AnyAsync(ct);

    /// <summary>Reserves <paramref name="count"/> history ids; returns the first.</summary>
    private async Task<long> ReserveHistoryIdsAsync(IClientSessionHandle session, int count, CancellationToken ct)
    {
        var counter = await _counters.FindOneAndUpdateAsync<CounterDocument, CounterDocument>(session, c => c.Id == "status_history",
            Builders<CounterDocument>.Update.Inc(c => c.Value, count),
            new FindOneAndUpdateOptions<CounterDocument, CounterDocument> { IsUpsert = true, ReturnDocument = ReturnDocument.After }, ct);
        return counter.Value - count + 1;
    }

    public async Task<IReadOnlyList<StatusChange>> UnpublishedStatusChangesAsync(DateTimeOffset recordedBefore, int limit, CancellationToken cancellationToken = default)
    {
        var page = await _history.Find(h => !h.Published && h.At < recordedBefore.UtcDateTime).SortBy(h => h.Id).Limit(limit).ToListAsync(cancellationToken);
        return page.Select(h => h.ToModel()).ToList();
    }

    public Task MarkPublishedAsync(IReadOnlyCollection<long> statusChangeIds, CancellationToken cancellationToken = default) =>
        statusChangeIds.Count == 0
            ? Task.CompletedTask
            : _history.UpdateManyAsync(Builders<HistoryDocument>.Filter.In(h => h.Id, statusChangeIds),
                Builders<HistoryDocument>.Update.Set(h => h.Published, true), cancellationToken: cancellationToken);

    public async Task<MessageStatusView?> GetStatusAsync(string messageId, CancellationToken cancellationToken = default)
    {
        var message = await _messages.Find(m => m.Id == messageId).FirstOrDefaultAsync(cancellationToken);
        if (message is null) return null;
        var history = await _history.Find(h => h.MessageId == messageId && !h.Refused).SortBy(h => h.Id).ToListAsync(cancellationToken);
        var recipients = message.Recipients.Select(r => new RecipientStatus(r.Username, r.Channel, r.Status, new DateTimeOffset(r.UpdatedAt, TimeSpan.Zero))).ToList();
        return new MessageStatusView((await ModelsAsync([message], cancellationToken))[0], MessageStatus.Aggregate(recipients.Select(r => r.Status)), recipients, history.Select(h => h.ToModel()).ToList());
    }

    public async Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string conversationId, long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        var page = await _messages.Find(m => m.ConversationId == conversationId && m.SequenceNumber > afterSequence)
            .SortBy(m => m.SequenceNumber).Limit(limit).ToListAsync(cancellationToken);
        return await ModelsAsync(page, cancellationToken);
    }

    public async Task<IReadOnlyList<StatusChange>> ApplyReceiptsAsync(IReadOnlyList<Receipt> receipts, CancellationToken cancellationToken = default)
    {
        using var session = await _client.StartSessionAsync(cancellationToken: cancellationToken);
        return await session.WithTransactionAsync<IReadOnlyList<StatusChange>>(async (s, ct) =>
        {
            var changes = new List<StatusChange>();
            foreach (var receipt in receipts)
            {
                // Only statuses below the receipt's may move; failed never does.
                var lower = MessageStatus.MovableTo(receipt.Status).ToList();
                if (lower.Count == 0) continue;
                var movable = Builders<MessageDocument>.Filter.ElemMatch(m => m.Recipients,
                    r => r.Username == receipt.Username && r.Channel == receipt.Channel && lower.Contains(r.Status));
                var scope = receipt.MessageId is { } id
                    ? Builders<MessageDocument>.Filter.Eq(m => m.Id, id)
                    : Builders<MessageDocument>.Filter.Eq(m => m.ConversationId, receipt.ConversationId)
                      & Builders<MessageDocument>.Filter.Lte(m => m.SequenceNumber, receipt.UpToSequence ?? 0);
                var targets = await _messages.Find(s, scope & movable).SortBy(m => m.SequenceNumber).ToListAsync(ct);
                if (targets.Count == 0) continue;
                var nextId = await ReserveHistoryIdsAsync(s, targets.Count, ct);
                foreach (var message in targets)
                {
                    var update = await _messages.UpdateOneAsync(s, Builders<MessageDocument>.Filter.Eq(m => m.Id, message.Id) & movable,
                        Builders<MessageDocument>.Update
                            .Set("recipients.$.status", receipt.Status)
                            .Set("recipients.$.updatedAt", receipt.At.UtcDateTime), cancellationToken: ct);
                    if (update.ModifiedCount == 0) continue;
                    var change = new HistoryDocument
                    {
                        Id = nextId++, MessageId = message.Id, ConversationId = message.ConversationId, SequenceNumber = message.SequenceNumber,
                        From = message.From, Status = receipt.Status, At = receipt.At.UtcDateTime, Recipient = receipt.Username, Channel = receipt.Channel,
                        Detail = receipt.Detail,
                    };
                    await _history.InsertOneAsync(s, change, cancellationToken: ct);
                    changes.Add(change.ToModel());
                }
            }
            return changes;
        }, cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyList<StoredMessage>> PendingForAsync(string username, string channel, int limit, CancellationToken cancellationToken = default)
    {
        var page = await _messages.Find(Builders<MessageDocument>.Filter.ElemMatch(m => m.Recipients,
                r => r.Username == username && r.Channel == channel && r.Status == MessageStatus.Sent))
            .SortBy(m => m.ConversationId).ThenBy(m => m.SequenceNumber).Limit(limit).ToListAsync(cancellationToken);
        return await ModelsAsync(page, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> GroupsOfAsync(string member, CancellationToken cancellationToken = default) =>
        (await _conversations.Find(Builders<ConversationDocument>.Filter.AnyEq(c => c.Members, member) & Builders<ConversationDocument>.Filter.Eq(c => c.Type, Conversation.Group))
            .SortBy(c => c.Id).ToListAsync(cancellationToken)).Select(c => c.Id).ToList();

    public async Task<IReadOnlyList<string>> PeersOfAsync(string username, CancellationToken cancellationToken = default)
    {
        var members = await _conversations.DistinctAsync(c => c.Members, Builders<ConversationDocument>.Filter.AnyEq(c => c.Members, username), cancellationToken: cancellationToken);
        return (await members.ToListAsync(cancellationToken)).SelectMany(m => m).Where(m => m != username).Distinct().ToList();
    }

    public async Task<string?> LastConversationOnChannelAsync(string username, string channel, CancellationToken cancellationToken = default) =>
        (await _messages.Find(Builders<MessageDocument>.Filter.ElemMatch(m => m.Recipients, r => r.Username == username && r.Channel == channel))
            .SortByDescending(m => m.SentAt).Limit(1).FirstOrDefaultAsync(cancellationToken))?.ConversationId;
}
