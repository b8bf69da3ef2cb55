using Chat.Shared;
using MongoDB.Driver;

namespace Chat.Storage.Mongo;

// Pins (issue 25), as in the SQLite adapter: decided as message changes; each pin or unpin is also a system message.
internal sealed partial class MongoMessageStore
{
    private readonly IMongoCollection<PinDocument> _pins;

    private static string PinId(string conversationId, string messageId) => conversationId + "\n" + messageId;

    private async Task<StoredMessage?> ApplyPinAsync(IClientSessionHandle s, MessageChangeEvent change, IReadOnlyList<MemberInterval> intervals, DateTimeOffset now,
        CancellationToken ct)
    {
        var request = change.Request;
        var id = PinId(change.ConversationId, request.MessageId);
        if (request.Kind == MessageChangeKinds.Pinned)
            await _pins.ReplaceOneAsync(s, p => p.Id == id, new PinDocument
            {
                Id = id, ConversationId = change.ConversationId, MessageId = request.MessageId, PinnedBy = request.Actor, PinnedAt = now.UtcDateTime,
                ExpiresAt = request.ExpiresAt?.UtcDateTime,
            }, new ReplaceOptions { IsUpsert = true }, ct);
        else
        {
            var removed = await _pins.FindOneAndDeleteAsync(s, p => p.Id == id, cancellationToken: ct);
            if (removed is null || removed.ExpiresAt is { } ended && ended <= now.UtcDateTime) return null;
        }
        var numbered = await _conversations.FindOneAndUpdateAsync<ConversationDocument, ConversationDocument>(s, c => c.Id == change.ConversationId,
            Builders<ConversationDocument>.Update.Inc(c => c.LastSeq, 1),
            new FindOneAndUpdateOptions<ConversationDocument, ConversationDocument> { ReturnDocument = ReturnDocument.After }, ct);
        var seq = numbered.LastSeq;
        var system = Pins.SystemMessage(change, intervals.Where(i => i.IsOpen).Select(i => i.Username).Distinct().ToList());
        await _messages.InsertOneAsync(s, new MessageDocument
        {
            Id = system.MessageId, ConversationId = system.ConversationId, SequenceNumber = seq, From = system.From, To = system.To.ToList(),
            Channels = system.Channels.ToList(), Payload = PayloadDocument.Of(system.Payload), AcceptedAt = system.AcceptedAt.UtcDateTime, SentAt = now.UtcDateTime,
            Recipients = system.To.Select(u => new RecipientDocument { Username = u, Channel = Channels.App, Status = MessageStatus.Sent, UpdatedAt = now.UtcDateTime }).ToList(),
        }, cancellationToken: ct);
        // Born published, as a group change's system message is: the change reaches webhooks as message.updated.
        var nextId = await ReserveHistoryIdsAsync(s, system.To.Count + 1, ct);
        await _history.InsertManyAsync(s, system.To.Select(u => new HistoryDocument
        {
            Id = nextId++, MessageId = system.MessageId, ConversationId = system.ConversationId, SequenceNumber = seq, From = system.From,
            Status = MessageStatus.Sent, At = now.UtcDateTime, Recipient = u, Channel = Channels.App, Published = true,
        }).Prepend(new HistoryDocument
        {
            Id = nextId++, MessageId = system.MessageId, ConversationId = system.ConversationId, SequenceNumber = seq, From = system.From,
            Status = MessageStatus.Accepted, At = system.AcceptedAt.UtcDateTime, Published = true,
        }).ToList(), cancellationToken: ct);
        return new StoredMessage(system.MessageId, system.ConversationId, seq, system.From, system.To, system.Channels, system.Payload, system.AcceptedAt, now);
    }

    public async Task<IReadOnlyList<Pin>> PinsAsync(string conversationId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var f = Builders<PinDocument>.Filter;
        var pins = await _pins.Find(f.Eq(p => p.ConversationId, conversationId) & (f.Eq(p => p.ExpiresAt, null) | f.Gt(p => p.ExpiresAt, now.UtcDateTime)))
            .SortByDescending(p => p.PinnedAt).ToListAsync(cancellationToken);
        var documents = (await _messages.Find(Builders<MessageDocument>.Filter.In(m => m.Id, pins.Select(p => p.MessageId))).ToListAsync(cancellationToken))
            .ToDictionary(m => m.Id);
        var found = pins.Where(p => documents.ContainsKey(p.MessageId)).ToList();
        var models = await ModelsAsync(found.Select(p => documents[p.MessageId]).ToList(), cancellationToken);
        return found.Zip(models, (p, m) => new Pin(m, p.PinnedBy, new DateTimeOffset(p.PinnedAt, TimeSpan.Zero),
            p.ExpiresAt is { } until ? new DateTimeOffset(until, TimeSpan.Zero) : null)).ToList();
    }
}
