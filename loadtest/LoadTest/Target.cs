using Chat.Host;
using Chat.Shared.Kafka.Embedded;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Chat.LoadTest;

/// <summary>The Chat under load: one already running (--url), or the embedded Host started in this process.</summary>
public sealed class Target : IAsyncDisposable
{
    private readonly WebApplication? _host;
    private readonly string? _dataDir;

    private Target(Uri url, string bootstrapServers, WebApplication? host, string? dataDir)
    {
        Url = url;
        BootstrapServers = bootstrapServers;
        _host = host;
        _dataDir = dataDir;
    }

    public Uri Url { get; }
    public string BootstrapServers { get; }
    public EmbeddedKafkaBroker? Broker => _host?.Services.GetService<EmbeddedKafkaBroker>();
    public bool Embedded => _host is not null;

    public static async Task<Target> StartAsync(LoadOptions options)
    {
        if (options.Url is not null) return new Target(options.Url, options.Kafka!, null, null);
        var dataDir = Directory.CreateTempSubdirectory("chat-load-").FullName;
        Console.WriteLine($"Starting the embedded Host in this process (data in {dataDir}) …");
        var host = ChatHost.Build(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration["Chat:DataDir"] = dataDir;
            // Thousands of load users would spend minutes in bcrypt at cost 12; the load is on messaging, not login.
            b.Configuration["Auth:PasswordHashCost"] = "4";
            b.Configuration["Auth:AuthRequestsPerMinute"] = "1000000";
            // One load user sends thousands a second: far beyond a person's Limits:SendPerMinute (30).
            b.Configuration["Limits:SendPerMinute"] = "100000000";
            b.Configuration["Limits:ConversationsPerMinute"] = "1000000";
            foreach (var (key, value) in options.Settings ?? new Dictionary<string, string>()) b.Configuration[key] = value;
            b.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await host.StartAsync();
        var url = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Target(new Uri(url), host.Services.GetRequiredService<EmbeddedKafkaBroker>().BootstrapServers, host, dataDir);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is null) return;
        await _host.StopAsync();
        await _host.DisposeAsync();
        try { Directory.Delete(_dataDir!, recursive: true); } catch (IOException) { }
    }
}
