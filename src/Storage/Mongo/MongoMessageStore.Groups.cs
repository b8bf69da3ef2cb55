using Chat.Shared;
using Chat.Shared.Http;
using MongoDB.Driver;

namespace Chat.Storage.Mongo;

// Groups and roles (issue 16): a conversation document holds its membership stretches; a change is decided
// and recorded in one transaction with its system message, as in the SQLite adapter.
internal sealed partial class MongoMessageStore
{
    public async Task<IReadOnlyList<MemberInterval>> MembershipAsync(string conversationId, CancellationToken cancellationToken = default) =>
        (await _conversations.Find(c => c.Id == conversationId).FirstOrDefaultAsync(cancellationToken))?.IntervalsModel() ?? [];

    public async Task<ChangeResult> ApplyChangeAsync(ChangeEvent change, CancellationToken cancellationToken = default)
    {
        using var session = await _client.StartSessionAsync(cancellationToken: cancellationToken);
        return await session.WithTransactionAsync(async (s, ct) =>
        {
            if (await _messages.Find(s, m => m.Id == change.EventId).FirstOrDefaultAsync(ct) is { } applied)
                return new ChangeResult(ChangeOutcome.Duplicate, applied.ToModel(),
                    (await _conversations.Find(s, c => c.Id == change.ConversationId).FirstOrDefaultAsync(ct))?.Members);
            if (await _refusedChanges.Find(s, r => r.Id == change.EventId).FirstOrDefaultAsync(ct) is { } refusedBefore)
                return new ChangeResult(ChangeOutcome.Duplicate, RefusedBecause: refusedBefore.Detail);
            var conversation = await _conversations.Find(s, c => c.Id == change.ConversationId).FirstOrDefaultAsync(ct);
            if (conversation is null) return new ChangeResult(ChangeOutcome.UnknownConversation);

            var now = _clock.GetUtcNow();
            var intervals = conversation.IntervalsModel();
            switch (GroupRules.Decide(conversation.ToModel(), intervals, change.Request))
            {
                case Outcome<DecidedChange>.Refused { Why: var refusal }:
                    var detail = refusal.Describe();
                    await _refusedChanges.InsertOneAsync(s, new RefusedChangeDocument
                    {
                        Id = change.EventId, ConversationId = change.ConversationId, Detail = detail, At = now.UtcDateTime,
                    }, cancellationToken: ct);
                    return new ChangeResult(ChangeOutcome.Refused, RefusedBecause: detail);
                case Outcome<DecidedChange>.Done { Value: var decided }:
                    var after = GroupRules.ApplyEffects(intervals, decided.Effects, conversation.LastSeq + 1, now);
                    var update = Builders<ConversationDocument>.Update.Inc(c => c.LastSeq, 1)
                        .Set(c => c.Intervals, ConversationDocument.ToDocuments(after))
                        .Set(c => c.Members, decided.MembersAfter.ToList());
                    if (decided.Effects.OfType<MembershipEffect.SetTitle>().LastOrDefault() is { } title) update = update.Set(c => c.Title, title.Title);
                    var numbered = await _conversations.FindOneAndUpdateAsync<ConversationDocument, ConversationDocument>(s, c => c.Id == change.ConversationId,
                        update, new FindOneAndUpdateOptions<ConversationDocument, ConversationDocument> { ReturnDocument = ReturnDocument.After }, ct);
                    var seq = numbered.LastSeq;
                    var message = SystemMessages.Of(change, decided);
                    var deliveries = SystemMessages.Deliveries(decided);
                    await _messages.InsertOneAsync(s, new MessageDocument
                    {
                        Id = message.MessageId, ConversationId = message.ConversationId, SequenceNumber = seq, From = message.From, To = message.To.ToList(),
                        Channels = message.Channels.ToList(), Payload = PayloadDocument.Of(message.Payload), AcceptedAt = message.AcceptedAt.UtcDateTime,
                        SentAt = now.UtcDateTime,
                        Recipients = deliveries.Select(d => new RecipientDocument { Username = d.Recipient, Channel = d.Channel, Status = d.Status, UpdatedAt = now.UtcDateTime })
                            .ToList(),
                    }, cancellationToken: ct);
                    var nextId = await ReserveHistoryIdsAsync(s, deliveries.Count + 1, ct);
                    var history = deliveries.Select(d => new HistoryDocument
                    {
                        Id = nextId++, MessageId = message.MessageId, ConversationId = message.ConversationId, SequenceNumber = seq, From = message.From,
                        Status = d.Status, At = now.UtcDateTime, Recipient = d.Recipient, Channel = d.Channel, Published = true,
                    }).Prepend(new HistoryDocument
                    {
                        Id = nextId++, MessageId = message.MessageId, ConversationId = message.ConversationId, SequenceNumber = seq, From = message.From,
                        Status = MessageStatus.Accepted, At = message.AcceptedAt.UtcDateTime, Published = true,
                    }).ToList();
                    await _history.InsertManyAsync(s, history, cancellationToken: ct);
                    var stored = new StoredMessage(message.MessageId, message.ConversationId, seq, message.From, message.To, message.Channels, message.Payload,
                        message.AcceptedAt, now);
                    return new ChangeResult(ChangeOutcome.Applied, stored, decided.MembersAfter);
                default:
                    throw new InvalidOperationException("An outcome neither done nor refused.");
            }
        }, cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyList<StoredMessage>> GetMessagesWithinAsync(string conversationId, IReadOnlyList<MemberInterval> within, long afterSequence, int limit,
        CancellationToken cancellationToken = default)
    {
        if (within.Count == 0) return [];
        var f = Builders<MessageDocument>.Filter;
        var ranges = f.Or(within.Select(w => w.LeftSeq is { } left
            ? f.Gte(m => m.SequenceNumber, w.JoinedSeq) & f.Lt(m => m.SequenceNumber, left)
            : f.Gte(m => m.SequenceNumber, w.JoinedSeq)));
        var page = await _messages.Find(f.Eq(m => m.ConversationId, conversationId) & f.Gt(m => m.SequenceNumber, afterSequence) & ranges)
            .SortBy(m => m.SequenceNumber).Limit(limit).ToListAsync(cancellationToken);
        return await ModelsAsync(page, cancellationToken);
    }

    public async Task<IReadOnlyList<long>> FileMessageSequencesAsync(string conversationId, string fileId, CancellationToken cancellationToken = default) =>
        await _messages.Find(m => m.ConversationId == conversationId && m.Payload.FileId == fileId).SortBy(m => m.SequenceNumber)
            .Project(m => m.SequenceNumber).ToListAsync(cancellationToken);

    public async Task SetArchivedAsync(string conversationId, string username, bool archived, bool untilUnarchived, CancellationToken cancellationToken = default)
    {
        var id = conversationId + "\n" + username;
        if (!archived)
        {
            await _archives.DeleteOneAsync(a => a.Id == id, cancellationToken);
            return;
        }
        var conversation = await _conversations.Find(c => c.Id == conversationId).FirstOrDefaultAsync(cancellationToken);
        if (conversation is null) return;
        await _archives.ReplaceOneAsync(a => a.Id == id, new ArchiveDocument
        {
            Id = id, ConversationId = conversationId, Username = username, ArchivedSeq = conversation.LastSeq, UntilUnarchived = untilUnarchived,
        }, new ReplaceOptions { IsUpsert = true }, cancellationToken);
    }

    /// <summary>Conversations <paramref name="member"/> has not archived, or has but a newer message arrived since (and not for good).</summary>
    private async Task<FilterDefinition<ConversationDocument>> NotArchivedAsync(string member, CancellationToken ct)
    {
        var archives = await _archives.Find(a => a.Username == member).ToListAsync(ct);
        var f = Builders<ConversationDocument>.Filter;
        if (archives.Count == 0) return f.Empty;
        var revived = archives.Where(a => !a.UntilUnarchived).Select(a => f.Eq(c => c.Id, a.ConversationId) & f.Gt(c => c.LastSeq, a.ArchivedSeq)).ToList();
        var notArchived = f.Nin(c => c.Id, archives.Select(a => a.ConversationId));
        return revived.Count == 0 ? notArchived : notArchived | f.Or(revived);
    }
}
