using Chat.Presence;
using Chat.Shared;
using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Chat.Storage;
using Google.Protobuf.WellKnownTypes;

namespace Chat.Router;

/// <summary>
/// For each message just stored, a NotificationRequest on chat.notifications per app recipient
/// with no live socket (presence decides, as for the live push): never the sender, never a system
/// message. The notifications worker decides the rest (devices, mutes, collapsing). Produced before
/// the batch's offsets commit, so a crash repeats requests rather than losing them (the worker's
/// push ids make a repeat harmless).
/// </summary>
internal sealed class NotificationRequests(IPresence presence, EventProducer producer, ILogger<NotificationRequests> logger)
{
    public async Task RequestAsync(IReadOnlyList<StoreResult> stored, Func<string, System.Diagnostics.ActivityContext> traceOf, CancellationToken cancellationToken)
    {
        var wanted = stored
            .Where(r => r.Outcome == StoreOutcome.Stored && r.Message.Payload.Type != MessagePayload.SystemType)
            .SelectMany(r => (r.Changes ?? []).Where(c => c is { Channel: Channels.App, Recipient: not null } && c.Status == MessageStatus.Sent && c.Recipient != r.Message.From)
                .Select(c => (Result: r, Recipient: c.Recipient!)))
            .ToList();
        if (wanted.Count == 0) return;
        var online = (await presence.GetManyAsync(wanted.Select(w => w.Recipient).Distinct(), cancellationToken))
            .Where(s => s.Online).Select(s => s.Username).ToHashSet();
        var offline = wanted.Where(w => !online.Contains(w.Recipient)).ToList();
        // All produced together, as the outbox does: one round trip per batch, not one per recipient.
        await Task.WhenAll(offline.Select(w =>
        {
            var m = w.Result.Message;
            var request = new NotificationRequest
            {
                MessageId = m.MessageId, ConversationId = m.ConversationId, SequenceNumber = w.Result.SequenceNumber, From = m.From, Recipient = w.Recipient,
                Preview = m.Payload.Text ?? m.Payload.File?.FileName ?? "", StoredAt = Timestamp.FromDateTimeOffset(w.Result.StoredAt),
                Mentioned = MentionRules.Calls(m, w.Recipient),
            };
            return producer.ProduceAsync(Topics.Notifications, w.Recipient, request, EventTypes.NotificationRequest, $"{m.MessageId}/{w.Recipient}", cancellationToken,
                traceOf(m.MessageId));
        }));
        logger.LogDebug("Requested notifications for {Count} offline recipients", offline.Count);
    }
}
