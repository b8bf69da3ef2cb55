using Chat.Auth;
using Chat.Connectors;
using Chat.Files;
using Chat.Frontend.Journal;
using Chat.Keys.Storage;
using Chat.Presence.Calls;
using Chat.Presence.Calls.Storage;
using Chat.Storage;
using Chat.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Chat.Testing;

/// <summary>Stores in a data directory, opened on their own through the same extensions the services use.</summary>
public static class Stores
{
    public static IMessageStore OpenMessageStore(string dataDir, IDictionary<string, string?>? settings = null) =>
        Open<IMessageStore>(dataDir, settings, b => b.AddMessageStore());

    public static IAccountStore OpenAccountStore(string dataDir, IDictionary<string, string?>? settings = null) =>
        Open<IAccountStore>(dataDir, settings, b => b.AddAccountStore());

    public static IBlockList OpenBlockList(string dataDir, IDictionary<string, string?>? settings = null) =>
        Open<IBlockList>(dataDir, settings, b => b.AddBlockList());

    public static IChannelMappingStore OpenChannelMappingStore(string dataDir, IDictionary<string, string?>? settings = null) =>
        Open<IChannelMappingStore>(dataDir, settings, b => b.AddChannelMappingStore());

    public static IFileRecordStore OpenFileRecordStore(string dataDir, IDictionary<string, string?>? settings = null) =>
        Open<IFileRecordStore>(dataDir, settings, b => b.AddFileRecordStore());

    public static IWebhookRegistrations OpenWebhookRegistrations(string dataDir, IDictionary<string, string?>? settings = null) =>
        Open<IWebhookRegistrations>(dataDir, settings, b => b.AddWebhookStores());

    public static IWebhookDeliveryLog OpenWebhookDeliveryLog(string dataDir, IDictionary<string, string?>? settings = null) =>
        Open<IWebhookDeliveryLog>(dataDir, settings, b => b.AddWebhookStores());

    public static IConnectorDeliveryStore OpenConnectorDeliveryStore(string dataDir, IDictionary<string, string?>? settings = null) =>
        Open<IConnectorDeliveryStore>(dataDir, settings, b => b.AddConnectorDeliveryStore());

    public static IKeyStore OpenKeyStore(string dataDir, IDictionary<string, string?>? settings = null) =>
        Open<IKeyStore>(dataDir, settings, b => b.AddKeyStore());

    public static ICallStore OpenCallStore(string dataDir, IDictionary<string, string?>? settings = null) => Open<ICallStore>(dataDir, settings, b => b.AddCalls());

    public static IAcceptanceJournal OpenAcceptanceJournal(string dataDir) =>
        Open<IAcceptanceJournal>(dataDir, null, b => b.AddAcceptanceJournalStore());

    private static T Open<T>(string dataDir, IDictionary<string, string?>? settings, Action<IHostApplicationBuilder> add) where T : notnull
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Chat:DataDir"] = dataDir });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        add(builder);
        return builder.Build().Services.GetRequiredService<T>();
    }
}
