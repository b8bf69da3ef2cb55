using Chat.Shared;
using Chat.Shared.Http;

namespace Chat.Webhooks;

/// <summary>
/// Registering an endpoint whose request passed its checks. A user's webhook hears about their own
/// messages; a client's about those of every user it may act for. The secret is new and in this answer only.
/// </summary>
internal sealed class RegisterWebhookHandler(IWebhookRegistrations metadata, TimeProvider clock)
{
    public async Task<WebhookRegistration> RegisterAsync(Caller caller, RegisterWebhookRequest body, CancellationToken ct)
    {
        var webhook = new WebhookRegistration("wh_" + Guid.NewGuid().ToString("N")[..20], caller.Subject, caller.IsClient ? [.. caller.ActAs] : [caller.Subject],
            body.Url!, body.Events!.Select(e => e!).Distinct().ToList(), body.Description, WebhookSigner.NewSecret(), Disabled: false, clock.GetUtcNow());
        await metadata.CreateWebhookAsync(webhook, ct);
        return webhook;
    }
}

/// <summary>What an owner may do with their own endpoints; anyone else's are not found.</summary>
internal sealed class OwnWebhooksHandler(IWebhookRegistrations metadata, IWebhookDeliveryLog store, TimeProvider clock)
{
    public async Task<IReadOnlyList<WebhookRegistration>> ListAsync(Caller caller, CancellationToken ct) =>
        (await metadata.WebhooksAsync(ct)).Where(w => w.Owner == caller.Subject).ToList();

    public async Task<Outcome<bool>> DeleteAsync(Caller caller, string webhookId, CancellationToken ct)
    {
        if (!await OwnsAsync(caller, webhookId, ct)) return NotYours(webhookId);
        return await metadata.DeleteWebhookAsync(webhookId, ct);
    }

    /// <summary>The newest 200, each with its attempts.</summary>
    public async Task<Outcome<IReadOnlyList<(WebhookDelivery Delivery, IReadOnlyList<WebhookAttempt> Attempts)>>> DeliveriesAsync(
        Caller caller, string webhookId, CancellationToken ct)
    {
        if (!await OwnsAsync(caller, webhookId, ct)) return NotYours(webhookId);
        return Outcome.Done(await store.WebhookDeliveriesAsync(webhookId, 200, ct));
    }

    /// <summary>Sends one delivery again now, whatever became of it.</summary>
    public async Task<Outcome<bool>> RetryAsync(Caller caller, string webhookId, string deliveryId, CancellationToken ct)
    {
        if (!await OwnsAsync(caller, webhookId, ct)) return NotYours(webhookId);
        return await store.RetryWebhookDeliveryAsync(webhookId, deliveryId, clock.GetUtcNow(), ct)
            ? true
            : new Refusal.NotFound("delivery_id", $"No delivery '{deliveryId}' for webhook '{webhookId}'.");
    }

    private async Task<bool> OwnsAsync(Caller caller, string webhookId, CancellationToken ct) => (await ListAsync(caller, ct)).Any(w => w.WebhookId == webhookId);

    private static Refusal NotYours(string webhookId) => new Refusal.NotFound("webhook_id", $"No webhook '{webhookId}' of yours.");
}
