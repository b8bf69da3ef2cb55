namespace Chat.Webhooks;

/// <summary>Integrators' webhook endpoints (SQLite embedded, etcd distributed).</summary>
public interface IWebhookRegistrations
{
    /// <summary>Creates or replaces the registration with that id.</summary>
    Task CreateWebhookAsync(WebhookRegistration webhook, CancellationToken cancellationToken = default);

    /// <summary>Every registration, by id.</summary>
    Task<IReadOnlyList<WebhookRegistration>> WebhooksAsync(CancellationToken cancellationToken = default);

    /// <summary>False when there was nothing to delete.</summary>
    Task<bool> DeleteWebhookAsync(string webhookId, CancellationToken cancellationToken = default);

    /// <summary>Stops deliveries to it (the endpoint failed for good); nothing happens for an unknown id.</summary>
    Task DisableWebhookAsync(string webhookId, CancellationToken cancellationToken = default);
}

/// <summary>Every delivery of an event to an endpoint and each of its attempts (SQLite embedded, MongoDB distributed).</summary>
public interface IWebhookDeliveryLog
{
    /// <summary>Adds deliveries not yet known (by id): an event seen twice makes one delivery.</summary>
    Task AddWebhookDeliveriesAsync(IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken = default);

    /// <summary>One endpoint's pending deliveries whose next attempt is due, oldest first (per endpoint, so none starves another).</summary>
    Task<IReadOnlyList<WebhookDelivery>> DueWebhookDeliveriesAsync(string webhookId, DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>Records an attempt and the delivery's new state in one step.</summary>
    Task RecordWebhookAttemptAsync(WebhookDelivery updated, WebhookAttempt attempt, CancellationToken cancellationToken = default);

    /// <summary>Newest first, each with its attempts.</summary>
    Task<IReadOnlyList<(WebhookDelivery Delivery, IReadOnlyList<WebhookAttempt> Attempts)>> WebhookDeliveriesAsync(string webhookId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Makes a delivery pending again, due now; false if there is none.</summary>
    Task<bool> RetryWebhookDeliveryAsync(string webhookId, string deliveryId, DateTimeOffset now, CancellationToken cancellationToken = default);
}
