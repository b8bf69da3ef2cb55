using Chat.Storage;
using Chat.Webhooks.Storage;

namespace Chat.Webhooks;

public static class WebhookStorageExtensions
{
    /// <summary>
    /// Registrations chosen by <c>Metadata:Kind</c> (SQLite <c>webhooks.db</c> or etcd) and the delivery
    /// log by <c>Store:Kind</c> (SQLite <c>webhooks.db</c> or MongoDB).
    /// </summary>
    public static IHostApplicationBuilder AddWebhookStores(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.TryAddStore<IWebhookRegistrations>("webhook-registration-store", configuration.MetadataKind() switch
        {
            "etcd" => _ => new EtcdWebhookRegistrations(configuration.EtcdEndpoints(), configuration.EtcdPrefix()),
            _ => sp => new SqliteWebhookRegistrations(sp.DataFile("webhooks.db"), sp.DataFile(StorageExtensions.LegacyMetadataFile)),
        }, (store, ct) => store.WebhooksAsync(ct));
        builder.TryAddStore<IWebhookDeliveryLog>("webhook-delivery-store", configuration.StoreKind() switch
        {
            "mongo" => _ => new MongoWebhookDeliveryLog(configuration.MongoConnectionString(), configuration.MongoDatabase()),
            _ => sp => new SqliteWebhookDeliveryLog(sp.DataFile("webhooks.db"), sp.DataFile(StorageExtensions.MessagesFile)),
        }, (store, ct) => store.DueWebhookDeliveriesAsync("health-probe", DateTimeOffset.MinValue, 1, ct));
        return builder;
    }
}
