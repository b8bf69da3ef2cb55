using Chat.Shared;
using Chat.Shared.Http;
using MongoDB.Driver;

namespace Chat.Storage.Mongo;

// Edits, deletes, reactions and replies (issue 17), as in the SQLite adapter: a change is decided and applied to
// the message document in place (payload.text set, or unset by a delete) in one transaction with its record.
internal sealed partial class MongoMessageStore
{
    private readonly IMongoCollection<MessageChangeDocument> _messageChanges;

    private const string RefusedOutcome = "refused";

    /// <summary>The messages as models, each reply with the quote of the message it answers as that is now (one query for all).</summary>
    private async Task<List<StoredMessage>> ModelsAsync(IReadOnlyList<MessageDocument> page, CancellationToken ct, IClientSessionHandle? session = null)
    {
        var replyIds = page.Select(m => m.ReplyTo).OfType<string>().Distinct().ToList();
        var replied = replyIds.Count == 0 ? []
            : (session is null
                ? await _messages.Find(Builders<MessageDocument>.Filter.In(m => m.Id, replyIds)).ToListAsync(ct)
                : await _messages.Find(session, Builders<MessageDocument>.Filter.In(m => m.Id, replyIds)).ToListAsync(ct)).ToDictionary(m => m.Id);
        return page.Select(m => m.ToModel(m.ReplyTo is { } id ? replied.GetValueOrDefault(id) : null)).ToList();
    }

    public async Task<StoredMessage?> FindMessageAsync(string messageId, CancellationToken cancellationToken = default) =>
        await _messages.Find(m => m.Id == messageId).FirstOrDefaultAsync(cancellationToken) is { } found ? (await ModelsAsync([found], cancellationToken))[0] : null;

    public async Task<MessageChangeResult> ApplyMessageChangeAsync(MessageChangeEvent change, TimeSpan editWindow, CancellationToken cancellationToken = default)
    {
        using var session = await _client.StartSessionAsync(cancellationToken: cancellationToken);
        return await session.WithTransactionAsync(async (s, ct) =>
        {
            var request = change.Request;
            var decidedBefore = await _messageChanges.Find(s, c => c.Id == change.EventId).FirstOrDefaultAsync(ct);
            var conversation = await _conversations.Find(s, c => c.Id == change.ConversationId).FirstOrDefaultAsync(ct);
            if (conversation is null) return new MessageChangeResult(MessageChangeOutcome.UnknownConversation);
            var intervals = conversation.IntervalsModel();
            var document = await _messages.Find(s, m => m.Id == request.MessageId).FirstOrDefaultAsync(ct);
            var message = document is null ? null : (await ModelsAsync([document], ct, s))[0];
            var audience = message is null ? [] : MessageRules.AudienceOf(intervals, message.SequenceNumber);
            if (decidedBefore is not null)
                return new MessageChangeResult(MessageChangeOutcome.Duplicate, message, audience, decidedBefore.Outcome == RefusedOutcome ? decidedBefore.Detail : null,
                    await _messages.Find(s, m => m.Id == change.EventId).FirstOrDefaultAsync(ct) is { } system ? system.ToModel() : null);

            var now = _clock.GetUtcNow();
            if (MessageRules.Check(conversation.ToModel(), intervals, message, request, editWindow, change.AcceptedAt) is { } refusal)
            {
                await RecordAsync(RefusedOutcome, refusal.Describe());
                return new MessageChangeResult(MessageChangeOutcome.Refused, RefusedBecause: refusal.Describe());
            }
            if (MessageChangeKinds.IsPin(request.Kind))
            {
                var recorded = await ApplyPinAsync(s, change, intervals, now, ct);
                await RecordAsync(recorded is null ? "unchanged" : "applied", null);
                return new MessageChangeResult(recorded is null ? MessageChangeOutcome.Unchanged : MessageChangeOutcome.Applied, message, audience, SystemMessage: recorded);
            }
            var update = Builders<MessageDocument>.Update;
            var changed = true;
            switch (request.Kind)
            {
                case MessageChangeKinds.Edited:
                    await _messages.UpdateOneAsync(s, m => m.Id == request.MessageId, update.Set("payload.text", request.Text)
                        .Set(m => m.Version, message!.Version + 1).Set(m => m.EditedAt, now.UtcDateTime), cancellationToken: ct);
                    break;
                case MessageChangeKinds.Deleted:
                    // A tombstone: nothing of what was said stays, nor its reactions; the file is no longer carried by it.
                    await _messages.UpdateOneAsync(s, m => m.Id == request.MessageId, update.Unset("payload.text").Unset("payload.fileId").Unset("payload.file")
                        .Unset(m => m.Reactions).Set(m => m.Version, message!.Version + 1).Set(m => m.DeletedAt, now.UtcDateTime), cancellationToken: ct);
                    break;
                default:
                    var reactions = (message!.Reactions ?? []).Select(r => new ReactionDocument { Emoji = r.Emoji, Users = r.Users.ToList() }).ToList();
                    var emoji = reactions.FirstOrDefault(r => r.Emoji == request.Emoji);
                    if (request.Kind == MessageChangeKinds.ReactionAdded)
                    {
                        changed = emoji is null || !emoji.Users.Contains(request.Actor);
                        if (emoji is null) reactions.Add(new ReactionDocument { Emoji = request.Emoji!, Users = [request.Actor] });
                        else if (changed) emoji.Users.Add(request.Actor);
                    }
                    else
                    {
                        changed = emoji is not null && emoji.Users.Remove(request.Actor);
                        reactions.RemoveAll(r => r.Users.Count == 0);
                    }
                    if (changed) await _messages.UpdateOneAsync(s, m => m.Id == request.MessageId, update.Set(m => m.Reactions, reactions), cancellationToken: ct);
                    break;
            }
            if (request.Kind is MessageChangeKinds.Edited or MessageChangeKinds.Deleted)
                await _activity.UpdateOneAsync(s, a => a.Id == change.ConversationId && a.MessageId == request.MessageId,
                    Builders<ActivityDocument>.Update.Set(a => a.Preview, MessageRules.PreviewAfter(request)), cancellationToken: ct);
            var outcome = changed ? MessageChangeOutcome.Applied : MessageChangeOutcome.Unchanged;
            await RecordAsync(outcome.ToString().ToLowerInvariant(), null);
            var after = await _messages.Find(s, m => m.Id == request.MessageId).FirstAsync(ct);
            return new MessageChangeResult(outcome, (await ModelsAsync([after], ct, s))[0], audience);

            Task RecordAsync(string outcome, string? detail) => _messageChanges.InsertOneAsync(s, new MessageChangeDocument
            {
                Id = change.EventId, ConversationId = change.ConversationId, MessageId = request.MessageId, Outcome = outcome, Detail = detail, At = now.UtcDateTime,
            }, cancellationToken: ct);
        }, cancellationToken: cancellationToken);
    }

    public async Task AddStatusNotesAsync(IReadOnlyList<Receipt> notes, CancellationToken cancellationToken = default)
    {
        if (notes.Count == 0) return;
        using var session = await _client.StartSessionAsync(cancellationToken: cancellationToken);
        await session.WithTransactionAsync<bool>(async (s, ct) =>
        {
            foreach (var note in notes)
            {
                var message = await _messages.Find(s, m => m.Id == note.MessageId).FirstOrDefaultAsync(ct);
                var recipient = message?.Recipients.FirstOrDefault(r => r.Username == note.Username && r.Channel == note.Channel);
                if (message is null || recipient is null) continue;
                // The recipient's status as it is, with the note: history only, never a transition (born published).
                var id = await ReserveHistoryIdsAsync(s, 1, ct);
                await _history.InsertOneAsync(s, new HistoryDocument
                {
                    Id = id, MessageId = message.Id, ConversationId = message.ConversationId, SequenceNumber = message.SequenceNumber, From = message.From,
                    Status = recipient.Status, At = note.At.UtcDateTime, Recipient = note.Username, Channel = note.Channel, Detail = note.Detail, Published = true,
                }, cancellationToken: ct);
            }
            return true;
        }, cancellationToken: cancellationToken);
    }
}
