using Chat.Shared;
using Chat.Storage.Etcd;
using Chat.Storage.Mongo;
using Chat.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Chat.Storage;

public static class StorageExtensions
{
    /// <summary>The message store chosen by <c>Store:Kind</c> (unset: SQLite under <c>Chat:DataDir</c>).</summary>
    public static IHostApplicationBuilder AddMessageStore(this IHostApplicationBuilder builder)
    {
        var kind = builder.Configuration["Store:Kind"] ?? "sqlite";
        builder.Services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.Section);
        builder.Services.AddSingleton<IMessageStore>(kind switch
        {
            "sqlite" => sp => new SqliteMessageStore(sp.GetRequiredService<IOptions<ChatOptions>>().Value.PathFor("messages.db"),
                sp.GetService<TimeProvider>() ?? TimeProvider.System),
            "mongo" => _ => new MongoMessageStore(
                builder.Configuration["Mongo:ConnectionString"] ?? throw new InvalidOperationException(
                    "Store:Kind is 'mongo' but Mongo:ConnectionString is not set (e.g. mongodb://mongo:27017/?replicaSet=rs0)."),
                builder.Configuration["Mongo:Database"] ?? "chat", TimeProvider.System),
            _ => throw new InvalidOperationException($"Store:Kind '{kind}' is unknown; use 'sqlite' or 'mongo'."),
        });
        StoreHealthCheck.Add(builder.Services, "message-store", (sp, ct) => sp.GetRequiredService<IMessageStore>().FindConversationAsync("health-probe", ct));
        return builder;
    }

    /// <summary>The metadata store chosen by <c>Metadata:Kind</c> (unset: SQLite under <c>Chat:DataDir</c>).</summary>
    public static IHostApplicationBuilder AddMetadataStore(this IHostApplicationBuilder builder)
    {
        var kind = builder.Configuration["Metadata:Kind"] ?? "sqlite";
        builder.Services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.Section);
        builder.Services.AddSingleton<IMetadataStore>(kind switch
        {
            "sqlite" => sp => new SqliteMetadataStore(sp.GetRequiredService<IOptions<ChatOptions>>().Value.PathFor("metadata.db")),
            "etcd" => _ => new EtcdMetadataStore(
                builder.Configuration["Etcd:Endpoints"] ?? throw new InvalidOperationException("Metadata:Kind is 'etcd' but Etcd:Endpoints is not set (e.g. http://etcd:2379)."),
                builder.Configuration["Etcd:Prefix"] ?? "/chat/", TimeProvider.System),
            _ => throw new InvalidOperationException($"Metadata:Kind '{kind}' is unknown; use 'sqlite' or 'etcd'."),
        });
        StoreHealthCheck.Add(builder.Services, "metadata-store", (sp, ct) => sp.GetRequiredService<IMetadataStore>().FindUserAsync("health-probe", ct));
        return builder;
    }
}
