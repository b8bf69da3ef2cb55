using Chat.Shared.Kafka;
using Microsoft.Extensions.Options;

namespace Chat.Webhooks;

/// <summary>The webhooks a deleted account registered go, with their pending deliveries: nothing is sent for it any more.</summary>
internal sealed class AccountEndings(
    IWebhookRegistrations metadata, EventProducer producer, ConsumerMetrics metrics, IOptions<KafkaOptions> kafka, ILogger<AccountEndings> logger)
    : AccountDeletions(ConsumerGroup, kafka.Value, producer, metrics, logger)
{
    public const string ConsumerGroup = "chat-webhooks-accounts";

    protected override async Task ForgetAsync(string username, DateTimeOffset deletedAt, CancellationToken cancellationToken)
    {
        foreach (var webhook in (await metadata.WebhooksAsync(cancellationToken)).Where(w => w.Owner == username))
            await metadata.DeleteWebhookAsync(webhook.WebhookId, cancellationToken);
    }
}
