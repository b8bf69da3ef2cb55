using System.Text.Json;
using System.Text.Json.Nodes;
using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Chat.Storage;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Chat.Webhooks;

/// <summary>
/// Consumer group on chat.status: for each status event, a durable delivery per matching endpoint
/// (the sender's, or a client's acting for the sender). Offsets commit once the deliveries are
/// stored; sending is the dispatcher's, so a slow endpoint never holds up this consumer.
/// </summary>
internal sealed class WebhookFanout(
    IWebhookRegistrations metadata, IWebhookDeliveryLog store, EventProducer producer, ConsumerMetrics metrics, IOptions<KafkaOptions> kafka,
    IOptions<WebhooksOptions> options, TimeProvider clock, ILogger<WebhookFanout> logger)
    : BatchConsumer(Topics.Status, options.Value.ConsumerGroup, kafka.Value, producer, metrics, logger)
{
    public const string MessageStatusEvent = "message.status";

    protected override async Task ProcessBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, BatchSpans spans, CancellationToken cancellationToken)
    {
        var webhooks = (await metadata.WebhooksAsync(cancellationToken)).Where(w => !w.Disabled && w.Events.Contains(MessageStatusEvent)).ToList();
        var deliveries = new List<WebhookDelivery>();
        var now = clock.GetUtcNow();
        foreach (var record in batch)
        {
            var (e, problem) = ParseRecord(record, StatusEvent.Parser);
            if (e is null)
            {
                await DeadLetterAsync(record, problem!, cancellationToken);
                continue;
            }
            var body = Body(e);
            // Sent later from the stored row, each delivery carries the trace of the event it reports.
            foreach (var webhook in webhooks.Where(w => w.ActAs.Contains("*") || w.ActAs.Contains(e.From)))
                // The delivery id doubles as the webhook-id header: stable for the event, whatever retries and replays happen.
                deliveries.Add(new WebhookDelivery($"{webhook.WebhookId}.{e.EventId}", webhook.WebhookId, "msg_" + Convert.ToHexStringLower(
                    System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{webhook.WebhookId}.{e.EventId}")))[..32],
                    body, 0, now, WebhookDelivery.Pending, now, spans.TraceParentOf(record)));
        }
        await store.AddWebhookDeliveriesAsync(deliveries, cancellationToken);
    }

    /// <summary>docs/api.md, "Webhooks": <c>{"type":"message.status","timestamp","data":{…}}</c>.</summary>
    private static string Body(StatusEvent e)
    {
        var data = new JsonObject
        {
            ["message_id"] = e.MessageId, ["conversation_id"] = e.ConversationId, ["recipient"] = e.Recipient, ["channel"] = e.Channel, ["status"] = e.Status,
        };
        if (e.Detail.Length > 0) data["detail"] = e.Detail;
        var timestamp = e.At?.ToDateTimeOffset() ?? DateTimeOffset.UtcNow;
        return new JsonObject { ["type"] = MessageStatusEvent, ["timestamp"] = timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"), ["data"] = data }
            .ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
