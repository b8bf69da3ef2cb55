using System.Net;
using System.Net.Http.Json;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// Every worker its own process, as distributed mode runs, each on a fixed port so a restarted one
/// is found where it was: the Host as broker only, Auth, a Frontend, two Routers, two Presence
/// nodes, Connectors (to a fake Telegram) and Webhooks (to a receiver), on etcd metadata, Redis
/// presence and SQLite stores on one data directory.
/// </summary>
public sealed class DistributedSystem : IAsyncLifetime
{
    public static readonly string[] Workers = ["frontend", "router-1", "router-2", "node-1", "node-2", "connectors", "webhooks"];

    private readonly TempDirectory _data = new();
    private readonly Dictionary<string, (string Service, int Port)> _services = [];
    private readonly Dictionary<string, ServiceProcess> _running = [];
    private ServiceProcess _broker = null!;
    private string _bootstrap = null!;

    public FakeTelegram Telegram { get; private set; } = null!;
    public WebhookReceiver Webhooks { get; private set; } = null!;
    public string DataDir => _data.Path;

    public Uri AddressOf(string name) => new($"http://127.0.0.1:{_services[name].Port}");

    public async Task InitializeAsync()
    {
        Telegram = await FakeTelegram.StartAsync();
        Webhooks = await WebhookReceiver.StartAsync();
        var kafkaPort = ServiceProcess.FreePort();
        _bootstrap = $"127.0.0.1:{kafkaPort}";
        _broker = await ServiceProcess.StartAsync("Host", new Dictionary<string, string?>
        {
            ["Chat__Role"] = "broker", ["Kafka__EmbeddedPort"] = kafkaPort.ToString(), ["Logging__LogLevel__Default"] = "Warning",
        }, "broker");
        Add("auth", "Auth");
        await StartAsync("auth");
        foreach (var (name, service) in new[] { ("frontend", "Frontend"), ("router-1", "Router"), ("router-2", "Router"), ("node-1", "Presence"),
                     ("node-2", "Presence"), ("connectors", "Connectors"), ("webhooks", "Webhooks") })
            Add(name, service);
        // Together: SQLite migrations take turns through a lock file beside each database.
        await Task.WhenAll(Workers.Select(StartAsync));
    }

    private void Add(string name, string service) => _services[name] = (service, ServiceProcess.FreePort());

    private async Task StartAsync(string name)
    {
        var (service, port) = _services[name];
        var environment = new Dictionary<string, string?>
        {
            ["Chat__DataDir"] = _data.Path,
            ["Chat__DrainSeconds"] = "0.5",
            ["Kafka__BootstrapServers"] = _bootstrap,
            ["Kafka__SessionTimeoutMs"] = "3000",
            ["Kafka__HeartbeatIntervalMs"] = "500",
            ["Metadata__Kind"] = "etcd",
            ["Etcd__Endpoints"] = TestServers.Etcd,
            ["Etcd__Prefix"] = $"/chat-crash-{Path.GetFileName(_data.Path)}/",
            ["Presence__Kind"] = "redis",
            ["Redis__Configuration"] = TestServers.Redis,
            ["Redis__KeyPrefix"] = $"chat-crash-{Path.GetFileName(_data.Path)}:",
            ["Presence__NodeId"] = name,
            ["Router__OutboxSweepInterval"] = "00:00:01",
            ["Auth__JwksUrl"] = service == "Auth" ? null : new Uri(AddressOf("auth"), "/.well-known/jwks.json").ToString(),
            ["Auth__Admins__0"] = "root",
            ["Auth__AuthRequestsPerMinute"] = "100000",
            ["Connectors__Telegram__BotToken"] = "123456:TEST-TOKEN",
            ["Connectors__Telegram__BaseUrl"] = Telegram.BaseAddress.ToString().TrimEnd('/'),
            ["Webhooks__AllowLoopbackTargets"] = "true",
            ["Webhooks__RetrySchedule"] = "0s,250ms,750ms,2s,4s",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var started = await ServiceProcess.StartAsync(service, environment, name, port);
        lock (_running) _running[name] = started;
    }

    /// <summary>kill -9, then started again on the same port.</summary>
    public async Task KillAndRestartAsync(string name)
    {
        var process = _running[name];
        process.Kill();
        await process.DisposeAsync();
        await StartAsync(name);
    }

    /// <summary>SIGTERM; once it has drained and exited (cleanly, or the test fails), started again.</summary>
    public async Task StopAndRestartAsync(string name)
    {
        var process = _running[name];
        process.Terminate();
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 0, $"{name} exited with {exitCode}:\n{process.Output}");
        await process.DisposeAsync();
        await StartAsync(name);
    }

    /// <summary>A signed-up user acting on the Frontend (and, through <see cref="ApiClient.ActingAs"/>, anywhere).</summary>
    public async Task<ApiClient> UserAsync(string username, string service = "frontend")
    {
        using var auth = new ApiClient(new HttpClient { BaseAddress = AddressOf("auth") });
        await auth.SignUpAsync(username);
        return new ApiClient(new HttpClient { BaseAddress = AddressOf(service) }).ActingAs(auth);
    }

    private ApiClient? _admin;

    private async Task<ApiClient> AdminAsync() =>
        _admin ??= await new ApiClient(new HttpClient { BaseAddress = AddressOf("auth") }).SignUpAsync("root");

    /// <summary>Maps <paramref name="username"/> to a Telegram chat, as an admin (so it counts at once).</summary>
    public async Task MapToTelegramAsync(string username, string chatId)
    {
        var root = await AdminAsync();
        await ApiClient.ExpectAsync(await root.Http.PutAsJsonAsync($"/v1/users/{username}/channels/telegram", new { external_id = chatId }), HttpStatusCode.OK);
    }

    public async Task DisposeAsync()
    {
        _admin?.Dispose();
        foreach (var process in _running.Values) await process.DisposeAsync();
        await _broker.DisposeAsync();
        await Telegram.DisposeAsync();
        await Webhooks.DisposeAsync();
        _data.Dispose();
    }
}
