using Chat.Router;
using Chat.Shared.Kafka;
using Chat.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Chat.Testing;

/// <summary>A Router alone in its own host, on a given broker and data directory — one member of the router group.</summary>
public sealed class RouterNode : IAsyncDisposable
{
    private readonly IHost _host;

    private RouterNode(IHost host) => _host = host;

    /// <param name="settings">Over the defaults below (a shorter poll interval, say).</param>
    public static async Task<RouterNode> StartAsync(string bootstrapServers, string dataDir, IDictionary<string, string?>? settings = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(Settings(dataDir, bootstrapServers));
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.AddKafka();
        builder.AddRouter();
        var host = builder.Build();
        await host.StartAsync();
        return new RouterNode(host);
    }

    /// <summary>The chat.messages consumer of this node.</summary>
    public BatchConsumer Worker => _host.Services.GetServices<IHostedService>().OfType<BatchConsumer>().Single(w => w.Topic == Topics.Messages);

    private static Dictionary<string, string?> Settings(string dataDir, string bootstrapServers) => new()
    {
        ["Chat:DataDir"] = dataDir,
        ["Kafka:BootstrapServers"] = bootstrapServers,
        ["Kafka:SessionTimeoutMs"] = "3000",
        ["Kafka:HeartbeatIntervalMs"] = "500",
        ["Router:OutboxSweepInterval"] = "00:00:01",
    };

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
