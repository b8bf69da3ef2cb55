using Chat.Storage;

namespace Chat.Keys.Storage;

public static class KeyStorageExtensions
{
    /// <summary>The key directory chosen by <c>Metadata:Kind</c>: SQLite <c>keys.db</c> or etcd.</summary>
    public static IHostApplicationBuilder AddKeyStore(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.TryAddStore<IKeyStore>("key-store", configuration.MetadataKind() switch
        {
            "etcd" => _ => new EtcdKeyStore(configuration.EtcdEndpoints(), configuration.EtcdPrefix()),
            _ => sp => new SqliteKeyStore(sp.DataFile("keys.db")),
        }, (store, ct) => store.FindDeviceAsync("health-probe", "health-probe", ct));
        return builder;
    }
}
