using Chat.Shared;
using Chat.Storage.Mongo;
using Chat.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Chat.Storage;

/// <summary>
/// Which adapter each store uses. Two settings choose for every service: <c>Store:Kind</c>
/// (<c>sqlite</c> | <c>mongo</c>) for the high-volume stores (messages, connector retries, the
/// webhook delivery log) and <c>Metadata:Kind</c> (<c>sqlite</c> | <c>etcd</c>) for the small,
/// read-mostly ones (accounts, channel mappings, webhook registrations, file records). Each service
/// registers its own stores with these (docs/architecture.md, "Ports and adapters").
/// </summary>
public static class StorageExtensions
{
    /// <summary><c>sqlite</c> (unset) or <c>mongo</c>.</summary>
    public static string StoreKind(this IConfiguration configuration) => Kind(configuration, "Store:Kind", "mongo");

    /// <summary><c>sqlite</c> (unset) or <c>etcd</c>.</summary>
    public static string MetadataKind(this IConfiguration configuration) => Kind(configuration, "Metadata:Kind", "etcd");

    private static string Kind(IConfiguration configuration, string key, string distributed)
    {
        var kind = configuration[key] ?? "sqlite";
        return kind == "sqlite" || kind == distributed ? kind : throw new InvalidOperationException($"{key} '{kind}' is unknown; use 'sqlite' or '{distributed}'.");
    }

    public static string MongoConnectionString(this IConfiguration configuration) => configuration["Mongo:ConnectionString"] ?? throw new InvalidOperationException(
        "Store:Kind is 'mongo' but Mongo:ConnectionString is not set (e.g. mongodb://mongo:27017/?replicaSet=rs0).");

    public static string MongoDatabase(this IConfiguration configuration) => configuration["Mongo:Database"] ?? "chat";

    public static string EtcdEndpoints(this IConfiguration configuration) => configuration["Etcd:Endpoints"] ?? throw new InvalidOperationException(
        "Metadata:Kind is 'etcd' but Etcd:Endpoints is not set (e.g. http://etcd:2379).");

    public static string EtcdPrefix(this IConfiguration configuration) => configuration["Etcd:Prefix"] ?? "/chat/";

    /// <summary>A file under <c>Chat:DataDir</c>.</summary>
    public static string DataFile(this IServiceProvider services, string name) => services.GetRequiredService<IOptions<ChatOptions>>().Value.PathFor(name);

    /// <summary>
    /// Registers a store's port once (a service composed twice, or several services in one process,
    /// share it), with its adapter from <paramref name="create"/> and a readiness check named
    /// <paramref name="name"/> that <paramref name="probe"/>s it. False when it was already there.
    /// </summary>
    public static bool TryAddStore<TPort>(this IHostApplicationBuilder builder, string name, Func<IServiceProvider, TPort> create,
        Func<TPort, CancellationToken, Task> probe) where TPort : class
    {
        if (builder.Services.Any(s => s.ServiceType == typeof(TPort))) return false;
        builder.Services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.Section);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(create);
        StoreHealthCheck.Add(builder.Services, name, (sp, ct) => probe(sp.GetRequiredService<TPort>(), ct));
        return true;
    }

    /// <summary>
    /// The message store chosen by <c>Store:Kind</c> (unset: SQLite <c>messages.db</c> under <c>Chat:DataDir</c>).
    /// With <c>Store:RestoreId</c> (set when starting on a restored backup) every conversation gets a new epoch,
    /// once per id, before the store answers anything: sequence numbers handed out after the backup may mean
    /// other messages now, so clients re-sync instead of trusting them (issue 25).
    /// </summary>
    public static IHostApplicationBuilder AddMessageStore(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        Func<IServiceProvider, IMessageStore> open = configuration.StoreKind() switch
        {
            "mongo" => sp => new MongoMessageStore(configuration.MongoConnectionString(), configuration.MongoDatabase(), sp.GetRequiredService<TimeProvider>()),
            _ => sp => new SqliteMessageStore(sp.DataFile(MessagesFile), sp.GetRequiredService<TimeProvider>()),
        };
        builder.TryAddStore("message-store", sp =>
        {
            var store = open(sp);
            if (configuration[RestoreIdKey] is { Length: > 0 } restoreId) store.RenewEpochsAfterRestoreAsync(restoreId).GetAwaiter().GetResult();
            return store;
        }, (store, ct) => store.FindConversationAsync("health-probe", ct));
        return builder;
    }

    /// <summary>Names the restore a service starts on (docs/deployment.md, "Backups"); unset when none.</summary>
    public const string RestoreIdKey = "Store:RestoreId";

    /// <summary>The file that held every service's metadata before each service owned its data (read once, by migrations).</summary>
    public const string LegacyMetadataFile = "metadata.db";

    /// <summary>The message store's file, which also held connector retries and the webhook log before each service owned its data.</summary>
    public const string MessagesFile = "messages.db";
}
