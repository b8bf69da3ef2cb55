using Chat.Storage.Etcd;

namespace Chat.Webhooks.Storage;

/// <summary>Webhook registrations in etcd, one key each under <c>webhooks/</c>.</summary>
internal sealed class EtcdWebhookRegistrations : IWebhookRegistrations, IDisposable
{
    private readonly EtcdKeyValue _etcd;
    private readonly string _webhooks;

    public EtcdWebhookRegistrations(string endpoints, string prefix)
    {
        _etcd = new EtcdKeyValue(endpoints, prefix);
        _webhooks = _etcd.Prefix + "webhooks/";
        _etcd.Migrate("webhook-registrations", (1, EtcdKeyValue.Unchanged));
    }

    public Task CreateWebhookAsync(WebhookRegistration webhook, CancellationToken cancellationToken = default) =>
        _etcd.PutJsonAsync(_webhooks + webhook.WebhookId, webhook, WebhookStorageJson.Default.WebhookRegistration, cancellationToken);

    public async Task<IReadOnlyList<WebhookRegistration>> WebhooksAsync(CancellationToken cancellationToken = default) =>
        (await _etcd.GetJsonRangeAsync(_webhooks, WebhookStorageJson.Default.WebhookRegistration, cancellationToken))
        .OrderBy(w => w.WebhookId, StringComparer.Ordinal).ToList();

    public async Task<bool> DeleteWebhookAsync(string webhookId, CancellationToken cancellationToken = default) =>
        (await _etcd.Client.DeleteAsync(_webhooks + webhookId, cancellationToken: cancellationToken)).Deleted > 0;

    public async Task DisableWebhookAsync(string webhookId, CancellationToken cancellationToken = default)
    {
        if (await _etcd.GetJsonAsync(_webhooks + webhookId, WebhookStorageJson.Default.WebhookRegistration, cancellationToken) is { } webhook)
            await CreateWebhookAsync(webhook with { Disabled = true }, cancellationToken);
    }

    public void Dispose() => _etcd.Dispose();
}
