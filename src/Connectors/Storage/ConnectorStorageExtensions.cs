using Chat.Connectors.Storage;
using Chat.Storage;

namespace Chat.Connectors;

public static class ConnectorStorageExtensions
{
    /// <summary>Retries and dead deliveries chosen by <c>Store:Kind</c>: SQLite <c>connectors.db</c> or MongoDB.</summary>
    public static IHostApplicationBuilder AddConnectorDeliveryStore(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.TryAddStore<IConnectorDeliveryStore>("connector-store", configuration.StoreKind() switch
        {
            "mongo" => _ => new MongoConnectorDeliveryStore(configuration.MongoConnectionString(), configuration.MongoDatabase()),
            _ => sp => new SqliteConnectorDeliveryStore(sp.DataFile("connectors.db"), sp.DataFile(StorageExtensions.MessagesFile)),
        }, (store, ct) => store.DeadDeliveriesAsync(1, ct));
        return builder;
    }
}
