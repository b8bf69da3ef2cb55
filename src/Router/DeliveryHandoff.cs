using Chat.Auth;
using Chat.Shared;
using Chat.Shared.Events;
using Chat.Storage;

namespace Chat.Router;

/// <summary>
/// Hands messages for external platforms to the connector workers: each <c>sent</c> change on a
/// channel other than app becomes a ConnectorDelivery on chat.deliveries. It runs as part of
/// publishing the outbox, so a crash before it is repaired by the sweep, as for status events.
/// </summary>
internal sealed class DeliveryHandoff(IMessageStore store, IChannelDirectory channels)
{
    /// <summary>The deliveries for chat.deliveries, each with its event id and the change it hands off (whose trace it continues).</summary>
    public async Task<IReadOnlyList<(StatusChange Change, ConnectorDelivery Delivery, string EventId)>> DeliveriesForAsync(
        IReadOnlyList<StatusChange> changes, CancellationToken cancellationToken)
    {
        var records = new List<(StatusChange, ConnectorDelivery, string)>();
        foreach (var change in changes.Where(c => c is { Status: MessageStatus.Sent, Channel: not null and not Channels.App, Recipient: not null }))
        {
            var view = await store.GetStatusAsync(change.MessageId, cancellationToken);
            var mapping = (await channels.ChannelMappingsAsync(change.Recipient!, cancellationToken)).FirstOrDefault(m => m.Channel == change.Channel && m.Verified);
            if (view is null || mapping is null) continue; // the mapping went away since routing; the delivery ends as sent
            var delivery = new ConnectorDelivery
            {
                DeliveryId = $"{change.MessageId}/{change.Recipient}/{change.Channel}",
                MessageId = change.MessageId, ConversationId = change.ConversationId, SequenceNumber = change.SequenceNumber, From = change.From,
                Recipient = change.Recipient!, Channel = change.Channel!, ExternalId = mapping.ExternalId,
                Payload = MessageEvents.ToPayload(view.Message.Payload), Attempt = 1,
            };
            records.Add((change, delivery, $"{delivery.DeliveryId}/1"));
        }
        return records;
    }
}
