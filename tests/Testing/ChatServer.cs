using Chat.Host;
using Chat.Shared.Kafka.Embedded;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chat.Testing;

/// <summary>
/// The all-in-one Host, started for real on a loopback port with its own embedded broker and
/// SQLite files in a temp directory. Tests talk to it over HTTP like any client.
/// </summary>
public sealed class ChatServer : IAsyncDisposable
{
    private readonly TempDirectory _data;
    private readonly WebApplication _app;

    private ChatServer(WebApplication app, TempDirectory data, Uri baseAddress)
    {
        _app = app;
        _data = data;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string DataDir => _data.Path;

    public IServiceProvider Services => _app.Services;

    public EmbeddedKafkaBroker Broker => Services.GetRequiredService<EmbeddedKafkaBroker>();

    public string BootstrapServers => Broker.BootstrapServers;

    /// <param name="configure">Runs on the builder after the settings (a test adds an exporter, say).</param>
    /// <param name="dataFrom">A data directory to start from (copied: the original stays as it was).</param>
    public static async Task<ChatServer> StartAsync(IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null,
        string? dataFrom = null)
    {
        var data = new TempDirectory();
        if (dataFrom is not null) CopyDirectory(dataFrom, data.Path);
        var app = ChatHost.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(TestLimits.Raised);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Chat:DataDir"] = data.Path,
                ["Kafka:ProduceTimeoutMs"] = "3000",
                ["Router:OutboxSweepInterval"] = "00:00:01",
                // No load balancer to tell: a test server stops at once.
                ["Chat:DrainSeconds"] = "0",
            });
            if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        return new ChatServer(app, data, LoopbackApp.AddressOf(app));
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    public ApiClient Client() => new(new HttpClient { BaseAddress = BaseAddress });

    private bool _stopped;

    /// <summary>Stops the Host and keeps its data directory (to copy, or to start another from) until disposed.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
        _data.Dispose();
    }
}
