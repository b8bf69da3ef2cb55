using Chat.Auth.Storage;
using Chat.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chat.Auth;

public static class AuthStorageExtensions
{
    /// <summary>Accounts (users, refresh tokens, clients) chosen by <c>Metadata:Kind</c>: SQLite <c>auth.db</c> or etcd.</summary>
    public static IHostApplicationBuilder AddAccountStore(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.TryAddStore<IAccountStore>("account-store", configuration.MetadataKind() switch
        {
            "etcd" => sp => new EtcdAccountStore(configuration.EtcdEndpoints(), configuration.EtcdPrefix(), sp.GetRequiredService<TimeProvider>()),
            _ => sp => new SqliteAccountStore(sp.DataFile("auth.db"), sp.DataFile(StorageExtensions.LegacyMetadataFile), sp.GetRequiredService<TimeProvider>()),
        }, (store, ct) => store.FindUserAsync("health-probe", ct));
        builder.Services.TryAddSingleton<IUserDirectory>(sp => sp.GetRequiredService<IAccountStore>());
        builder.Services.TryAddSingleton<Attribution>();
        return builder;
    }

    /// <summary>For services that only need to know whether users exist.</summary>
    public static IHostApplicationBuilder AddUserDirectory(this IHostApplicationBuilder builder) => builder.AddAccountStore();

    /// <summary>Channel mappings chosen by <c>Metadata:Kind</c>: SQLite <c>auth.db</c> or etcd.</summary>
    public static IHostApplicationBuilder AddChannelMappingStore(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.TryAddStore<IChannelMappingStore>("channel-mapping-store", configuration.MetadataKind() switch
        {
            "etcd" => _ => new EtcdChannelMappingStore(configuration.EtcdEndpoints(), configuration.EtcdPrefix()),
            _ => sp => new SqliteChannelMappingStore(sp.DataFile("auth.db"), sp.DataFile(StorageExtensions.LegacyMetadataFile)),
        }, (store, ct) => store.FindUserByChannelAsync("health-probe", "health-probe", ct));
        builder.Services.TryAddSingleton<IChannelDirectory>(sp => sp.GetRequiredService<IChannelMappingStore>());
        // Where the connectors run, they hand proofs to Auth's mappings through this.
        builder.Services.TryAddSingleton<IChannelProof, ChannelProof>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>Users' blocks chosen by <c>Metadata:Kind</c>: SQLite <c>auth.db</c> or etcd.</summary>
    public static IHostApplicationBuilder AddBlockList(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.TryAddStore<IBlockList>("block-list", configuration.MetadataKind() switch
        {
            "etcd" => _ => new EtcdBlockList(configuration.EtcdEndpoints(), configuration.EtcdPrefix()),
            _ => sp => new SqliteBlockList(sp.DataFile("auth.db")),
        }, (store, ct) => store.HasBlockedAsync("health-probe", "health-probe", ct));
        builder.Services.TryAddSingleton<IBlockDirectory>(sp => sp.GetRequiredService<IBlockList>());
        return builder;
    }

    /// <summary>For services that check blocks (the Frontend, Presence).</summary>
    public static IHostApplicationBuilder AddBlockDirectory(this IHostApplicationBuilder builder) => builder.AddBlockList();

    /// <summary>For services that look mappings up (the Router, the connectors).</summary>
    public static IHostApplicationBuilder AddChannelDirectory(this IHostApplicationBuilder builder) => builder.AddChannelMappingStore();
}
