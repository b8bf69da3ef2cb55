using System.Diagnostics.Metrics;
using Chat.Frontend.Journal;
using Chat.Shared;
using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Chat.Storage;
using Google.Protobuf;

namespace Chat.Frontend;

/// <summary>Puts an accepted message on chat.messages (in its ConversationEvent envelope), keyed by conversation so one partition keeps its order.</summary>
/// <param name="journal">Embedded mode only: where the event outlives the in-memory broker until the Router stored it.</param>
internal sealed class MessageSender(EventProducer producer, AcceptedMessages accepted, IMeterFactory meters, IAcceptanceJournal? journal = null)
{
    private readonly Counter<long> _accepted = meters.CreateChatMeter().CreateCounter<long>(
        "chat.messages.accepted", description: "Messages accepted (202), by requested channel");

    /// <summary>Completes once the broker acknowledged the event (and the journal, where there is one, holds it); throws if it could not take it.</summary>
    public async Task SendAsync(NewMessage message, CancellationToken cancellationToken) => await (await SendManyAsync([message]))[0];

    /// <summary>
    /// Several messages on the same terms, produced together and in the order given (so one conversation's
    /// messages keep their order on its partition): every journal entry first (one group commit), then
    /// every produce call at once, which the producer batches. Each message's own task says whether the
    /// broker took it; one refused does not refuse the others.
    /// </summary>
    public async Task<Task[]> SendManyAsync(IReadOnlyList<NewMessage> messages)
    {
        var envelopes = messages.Select(m => ConversationEvents.Of(m.ToEvent())).ToList();
        var entries = journal is null
            ? new long?[messages.Count]
            : (await Task.WhenAll(envelopes.Select((e, i) => journal.AppendAsync(new JournalEntry(messages[i].MessageId, e.ConversationId, e.ToByteArray()), CancellationToken.None))))
                .Select(id => (long?)id).ToArray();
        // Each PublishAsync enqueues its record before it first yields, so the records go in this order.
        return envelopes.Select((envelope, i) => ProduceAsync(messages[i], envelope, entries[i])).ToArray();
    }

    private async Task ProduceAsync(NewMessage message, ConversationEvent envelope, long? entry)
    {
        try
        {
            await producer.PublishAsync(envelope, CancellationToken.None);
        }
        catch when (entry is { } id)
        {
            await journal!.RemoveAsync(id, CancellationToken.None);
            throw;
        }
        accepted.Remember(message);
        foreach (var channel in message.Channels) _accepted.Add(1, new KeyValuePair<string, object?>("channel", channel));
    }

    /// <summary>A change to a conversation, on the same terms as a message: in the journal and on the broker before its 202.</summary>
    public Task SendChangeAsync(ConversationEvent change, CancellationToken cancellationToken) => PublishAsync(change.EventId, change);

    private async Task PublishAsync(string eventId, ConversationEvent envelope)
    {
        // Journaled before the produce, so the Router can never store (and clear) an event whose entry
        // is not written yet. A produce that fails removes its entry before the 503, so a replay never
        // stores a message the client was told was refused. A crash between the two leaves an entry
        // for a request that got no answer at all: replayed, it is stored (the client's retry with
        // the same message_id is then a duplicate), which is the at-least-once the API promises.
        var entry = journal is null ? (long?)null
            : await journal.AppendAsync(new JournalEntry(eventId, envelope.ConversationId, envelope.ToByteArray()), CancellationToken.None);
        try
        {
            // Not the request's token: once the broker may have the record, abandoning the wait helps no one.
            await producer.PublishAsync(envelope, CancellationToken.None);
        }
        catch when (entry is { } id)
        {
            await journal!.RemoveAsync(id, CancellationToken.None);
            throw;
        }
    }
}
