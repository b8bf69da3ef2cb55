using Chat.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Testing;

/// <summary>Stores in a data directory, opened on their own through the same extensions the services use.</summary>
public static class Stores
{
    public static IMessageStore OpenMessageStore(string dataDir, IDictionary<string, string?>? settings = null) =>
        Open(dataDir, settings, b => b.AddMessageStore()).GetRequiredService<IMessageStore>();

    public static IMetadataStore OpenMetadataStore(string dataDir, IDictionary<string, string?>? settings = null) =>
        Open(dataDir, settings, b => b.AddMetadataStore()).GetRequiredService<IMetadataStore>();

    private static IServiceProvider Open(string dataDir, IDictionary<string, string?>? settings, Action<Microsoft.Extensions.Hosting.IHostApplicationBuilder> add)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new Microsoft.Extensions.Hosting.HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Chat:DataDir"] = dataDir });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        add(builder);
        return builder.Build().Services;
    }
}
