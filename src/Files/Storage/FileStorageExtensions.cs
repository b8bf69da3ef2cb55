using Chat.Files.Storage;
using Chat.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chat.Files;

public static class FileStorageExtensions
{
    /// <summary>File records chosen by <c>Metadata:Kind</c>: SQLite <c>files.db</c> or etcd.</summary>
    public static IHostApplicationBuilder AddFileRecordStore(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.TryAddStore<IFileRecordStore>("file-store", configuration.MetadataKind() switch
        {
            "etcd" => _ => new EtcdFileRecordStore(configuration.EtcdEndpoints(), configuration.EtcdPrefix()),
            _ => sp => new SqliteFileRecordStore(sp.DataFile("files.db"), sp.DataFile(StorageExtensions.LegacyMetadataFile)),
        }, (store, ct) => store.FindFileAsync("health-probe", ct));
        builder.Services.TryAddSingleton<IFileDirectory>(sp => sp.GetRequiredService<IFileRecordStore>());
        return builder;
    }

    /// <summary>For services that read file records or record shares (the Frontend, the Router, the connectors).</summary>
    public static IHostApplicationBuilder AddFileDirectory(this IHostApplicationBuilder builder) => builder.AddFileRecordStore();
}
