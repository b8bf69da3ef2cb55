using System.Text.Json;
using System.Text.Json.Nodes;
using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Chat.Webhooks;

/// <summary>
/// Consumer group on chat.conversations: for each change the Router decided, a durable
/// <c>conversation.updated</c> delivery per endpoint subscribed to it whose owner it concerns (the
/// members, anyone it removed; for a refusal, the actor), as <see cref="WebhookFanout"/> does for statuses;
/// and likewise <c>message.updated</c>, <c>message.deleted</c> and <c>reaction.updated</c> for the changes
/// to messages (to the endpoints of the members who can see the message; for a refusal, the actor's).
/// </summary>
internal sealed class ConversationWebhookFanout(
    IWebhookRegistrations metadata, IWebhookDeliveryLog store, EventProducer producer, ConsumerMetrics metrics, IOptions<KafkaOptions> kafka,
    IOptions<WebhooksOptions> options, TimeProvider clock, ILogger<ConversationWebhookFanout> logger)
    : BatchConsumer(Topics.Conversations, options.Value.ConversationsConsumerGroup, kafka.Value, producer, metrics, logger)
{
    public const string ConversationUpdatedEvent = "conversation.updated";

    protected override async Task ProcessBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, BatchSpans spans, CancellationToken cancellationToken)
    {
        var webhooks = (await metadata.WebhooksAsync(cancellationToken)).Where(w => !w.Disabled).ToList();
        var deliveries = new List<WebhookDelivery>();
        var now = clock.GetUtcNow();
        foreach (var record in batch)
        {
            var (type, eventId, notify, body, problem) = Read(record);
            if (body is null)
            {
                await DeadLetterAsync(record, problem!, cancellationToken);
                continue;
            }
            foreach (var webhook in webhooks.Where(w => w.Events.Contains(type!) && (w.ActAs.Contains("*") || notify!.Any(w.ActAs.Contains))))
            {
                // Stable for the event, whatever replays happen: the webhook-id header of every attempt.
                var id = $"{webhook.WebhookId}.{eventId}";
                deliveries.Add(new WebhookDelivery(id, webhook.WebhookId, "msg_" + Convert.ToHexStringLower(
                    System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)))[..32],
                    body, 0, now, WebhookDelivery.Pending, now, spans.TraceParentOf(record)));
            }
        }
        await store.AddWebhookDeliveriesAsync(deliveries, cancellationToken);
    }

    /// <summary>The webhook event a record is (its type, id, whose endpoints hear of it, and its body), or why it is none.</summary>
    private static (string? Type, string? EventId, IReadOnlyList<string>? Notify, string? Body, string? Problem) Read(ConsumeResult<string, byte[]> record)
    {
        switch (EventHeaders.Get(record.Message.Headers, EventHeaders.Type))
        {
            case EventTypes.ConversationUpdated:
                var (updated, problem) = ParseRecord(record, ConversationUpdated.Parser);
                return updated is null ? (null, null, null, null, problem) : (ConversationUpdatedEvent, updated.EventId, updated.Notify, Body(updated), null);
            case EventTypes.MessageChanged:
                var (changed, wrong) = ParseRecord(record, MessageChanged.Parser);
                if (changed is null) return (null, null, null, null, wrong);
                var type = MessageWebhookBodies.TypeOf(changed.Kind);
                return (type, changed.EventId, changed.Notify, MessageWebhookBodies.Body(type, changed), null);
            case var other:
                return (null, null, null, null, $"not a {EventTypes.ConversationUpdated} or {EventTypes.MessageChanged} record ({other ?? "no type"}): not read");
        }
    }

    /// <summary>docs/api.md, "Webhooks": <c>{"type":"conversation.updated","timestamp","data":{…}}</c>.</summary>
    private static string Body(ConversationUpdated e)
    {
        var data = new JsonObject { ["event_id"] = e.EventId, ["conversation_id"] = e.ConversationId, ["status"] = e.Status, ["event"] = e.Kind, ["actor"] = e.Actor };
        if (e.Target.Length > 0) data["target"] = e.Target;
        if (e.Role.Length > 0) data["role"] = e.Role;
        if (e.Title.Length > 0) data["title"] = e.Title;
        if (e.NewOwner.Length > 0) data["new_owner"] = e.NewOwner;
        if (e.SequenceNumber > 0) data["sequence_number"] = e.SequenceNumber;
        if (e.Members.Count > 0) data["members"] = new JsonArray(e.Members.Select(m => (JsonNode)m).ToArray());
        if (e.Detail.Length > 0) data["detail"] = e.Detail;
        var timestamp = e.At?.ToDateTimeOffset() ?? DateTimeOffset.UtcNow;
        return new JsonObject { ["type"] = ConversationUpdatedEvent, ["timestamp"] = timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"), ["data"] = data }
            .ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
