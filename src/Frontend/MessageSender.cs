using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Chat.Storage;
using Google.Protobuf.WellKnownTypes;

namespace Chat.Frontend;

/// <summary>Puts an accepted message on chat.messages, keyed by conversation so one partition keeps its order.</summary>
public sealed class MessageSender(EventProducer producer, AcceptedMessages accepted)
{
    /// <summary>Completes once the broker acknowledged the event; throws if it could not take it.</summary>
    public async Task SendAsync(NewMessage message, CancellationToken cancellationToken)
    {
        var payload = new Payload { Type = message.Payload.Type };
        if (message.Payload.Text is { } text) payload.Text = text;
        if (message.Payload.FileId is { } fileId) payload.FileId = fileId;
        var @event = new MessageEvent
        {
            MessageId = message.MessageId,
            ConversationId = message.ConversationId,
            From = message.From,
            To = { message.To },
            Channels = { message.Channels },
            Payload = payload,
            AcceptedAt = Timestamp.FromDateTimeOffset(message.AcceptedAt),
        };
        // Not the request's token: once the broker may have the record, abandoning the wait helps no one.
        await producer.ProduceAsync(Topics.Messages, message.ConversationId, @event, EventTypes.MessageAccepted, message.MessageId, CancellationToken.None);
        accepted.Remember(message);
    }
}
