using Chat.Shared.Kafka;

namespace Chat.Webhooks;

/// <summary>The webhooks a deleted account registered go, with their pending deliveries: nothing is sent for it any more.</summary>
internal sealed class AccountEndings(IWebhookRegistrations metadata) : IAccountDeletionHandler
{
    public static string ConsumerGroup => "chat-webhooks-accounts";

    public async Task ForgetAsync(string username, DateTimeOffset deletedAt, CancellationToken cancellationToken)
    {
        foreach (var webhook in (await metadata.WebhooksAsync(cancellationToken)).Where(w => w.Owner == username))
            await metadata.DeleteWebhookAsync(webhook.WebhookId, cancellationToken);
    }
}
