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
/// members, anyone it removed; for a refusal, the actor), as <see cref="WebhookFanout"/> does for statuses.
/// </summary>
internal sealed class ConversationWebhookFanout(
    IWebhookRegistrations metadata, IWebhookDeliveryLog store, EventProducer producer, ConsumerMetrics metrics, IOptions<KafkaOptions> kafka,
    IOptions<WebhooksOptions> options, TimeProvider clock, ILogger<ConversationWebhookFanout> logger)
    : BatchConsumer(Topics.Conversations, options.Value.ConversationsConsumerGroup, kafka.Value, producer, metrics, logger)
{
    public const string ConversationUpdatedEvent = "conversation.updated";

    protected override async Task ProcessBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, BatchSpans spans, CancellationToken cancellationToken)
    {
        var webhooks = (await metadata.WebhooksAsync(cancellationToken)).Where(w => !w.Disabled && w.Events.Contains(ConversationUpdatedEvent)).ToList();
        var deliveries = new List<WebhookDelivery>();
        var now = clock.GetUtcNow();
        foreach (var record in batch)
        {
            if (EventHeaders.Get(record.Message.Headers, EventHeaders.Type) != EventTypes.ConversationUpdated)
            {
                await DeadLetterAsync(record, $"not a {EventTypes.ConversationUpdated} record: not read", cancellationToken);
                continue;
            }
            var (e, problem) = ParseRecord(record, ConversationUpdated.Parser);
            if (e is null)
            {
                await DeadLetterAsync(record, problem!, cancellationToken);
                continue;
            }
            var body = Body(e);
            foreach (var webhook in webhooks.Where(w => w.ActAs.Contains("*") || e.Notify.Any(w.ActAs.Contains)))
            {
                // Stable for the event, whatever replays happen: the webhook-id header of every attempt.
                var id = $"{webhook.WebhookId}.{e.EventId}";
                deliveries.Add(new WebhookDelivery(id, webhook.WebhookId, "msg_" + Convert.ToHexStringLower(
                    System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)))[..32],
                    body, 0, now, WebhookDelivery.Pending, now, spans.TraceParentOf(record)));
            }
        }
        await store.AddWebhookDeliveriesAsync(deliveries, cancellationToken);
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
