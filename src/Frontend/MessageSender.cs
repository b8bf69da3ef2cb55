using System.Diagnostics.Metrics;
using Chat.Shared;
using Chat.Shared.Kafka;
using Chat.Storage;

namespace Chat.Frontend;

/// <summary>Puts an accepted message on chat.messages (in its ConversationEvent envelope), keyed by conversation so one partition keeps its order.</summary>
internal sealed class MessageSender(EventProducer producer, AcceptedMessages accepted, IMeterFactory meters)
{
    private readonly Counter<long> _accepted = meters.CreateChatMeter().CreateCounter<long>(
        "chat.messages.accepted", description: "Messages accepted (202), by requested channel");

    /// <summary>Completes once the broker acknowledged the event; throws if it could not take it.</summary>
    public async Task SendAsync(NewMessage message, CancellationToken cancellationToken)
    {
        // Not the request's token: once the broker may have the record, abandoning the wait helps no one.
        await producer.PublishAsync(ConversationEvents.Of(message.ToEvent()), CancellationToken.None);
        accepted.Remember(message);
        foreach (var channel in message.Channels) _accepted.Add(1, new KeyValuePair<string, object?>("channel", channel));
    }
}
