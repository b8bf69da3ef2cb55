using System.Collections.Concurrent;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// Every service its own process: the Host as broker only, Auth, Frontend, two Routers, two Presence
/// nodes, on etcd metadata, Redis presence and one SQLite message store on disk.
/// </summary>
public sealed class DistributedModeTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private string _bootstrap = null!;
    private readonly List<ServiceProcess> _processes = [];

    private ServiceProcess _auth = null!, _frontend = null!, _router1 = null!, _node1 = null!, _node2 = null!;

    public async Task InitializeAsync()
    {
        var kafkaPort = ServiceProcess.FreePort();
        _bootstrap = $"127.0.0.1:{kafkaPort}";
        _processes.Add(await ServiceProcess.StartAsync("Host", new Dictionary<string, string?>
        {
            ["Chat__Role"] = "broker", ["Kafka__EmbeddedPort"] = kafkaPort.ToString(), ["Logging__LogLevel__Default"] = "Warning",
        }, "broker"));
        _auth = await StartAsync("Auth");
        _frontend = await StartAsync("Frontend");
        _router1 = await StartAsync("Router", "router-1");
        await StartAsync("Router", "router-2");
        _node1 = await StartAsync("Presence", "node-1");
        _node2 = await StartAsync("Presence", "node-2");
    }

    private async Task<ServiceProcess> StartAsync(string service, string? name = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["Chat__DataDir"] = _data.Path,
            ["Kafka__BootstrapServers"] = _bootstrap,
            ["Kafka__SessionTimeoutMs"] = "3000",
            ["Kafka__HeartbeatIntervalMs"] = "500",
            ["Metadata__Kind"] = "etcd",
            ["Etcd__Endpoints"] = TestServers.Etcd,
            ["Etcd__Prefix"] = $"/chat-multi-{Path.GetFileName(_data.Path)}/",
            ["Presence__Kind"] = "redis",
            ["Redis__Configuration"] = TestServers.Redis,
            ["Redis__KeyPrefix"] = $"chat-multi-{Path.GetFileName(_data.Path)}:",
            ["Presence__NodeId"] = name ?? service,
            ["Router__OutboxSweepInterval"] = "00:00:02",
            ["Auth__JwksUrl"] = service == "Auth" ? null : new Uri(_auth.Address, "/.well-known/jwks.json").ToString(),
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var process = await ServiceProcess.StartAsync(service, environment, name);
        _processes.Add(process);
        return process;
    }

    private async Task<ApiClient> UserAsync(string username)
    {
        using var auth = new ApiClient(new HttpClient { BaseAddress = _auth.Address });
        await auth.SignUpAsync(username);
        return new ApiClient(new HttpClient { BaseAddress = _frontend.Address }).ActingAs(auth);
    }

    [Fact]
    public async Task With_a_router_killed_mid_stream_every_message_is_stored_once_in_order_and_reaches_the_socket_on_another_node()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var conversations = new List<string>();
        for (var i = 0; i < 50; i++) conversations.Add(await alice.CreateConversationAsync("group", "bob"));
        await using var aliceSocket = await ChatSocket.ConnectAsync(_node1.Address, alice);
        await using var bobSocket = await ChatSocket.ConnectAsync(_node2.Address, bob);

        const int total = 2000;
        var store = Stores.OpenMessageStore(_data.Path);
        async Task<int> StoredAsync() => (await Task.WhenAll(conversations.Select(c => store.GetMessagesAsync(c, 0, 10_000)))).Sum(m => m.Count);

        var produced = new ConcurrentDictionary<string, List<string>>();
        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < total; i += 20)
            {
                // 20 at a time, one per conversation, so each conversation's order is the order of sending.
                var round = Enumerable.Range(i, 20).Select(n => (Conversation: conversations[n % 50], Text: $"multi {n}")).ToList();
                foreach (var (c, t) in round) produced.GetOrAdd(c, _ => []).Add(t);
                await Task.WhenAll(round.Select(m => alice.SendTextAsync(m.Conversation, m.Text)));
            }
        });
        var atKill = await Eventually.UntilAsync(StoredAsync, n => n >= 400, TimeSpan.FromSeconds(60), "400 messages stored");
        _router1.Kill();
        Assert.True(atKill < total, $"router-1 was killed mid-stream ({atKill} of {total} stored)");
        await sending;

        await Eventually.UntilAsync(StoredAsync, n => n >= total, TimeSpan.FromSeconds(90), $"all {total} stored after the kill");
        foreach (var c in conversations)
        {
            var messages = await store.GetMessagesAsync(c, 0, 10_000);
            Assert.Equal(produced[c], messages.Select(m => m.Payload.Text));
            Assert.Equal(Enumerable.Range(1, messages.Count).Select(n => (long)n), messages.Select(m => m.SequenceNumber));
        }

        var seen = new HashSet<string>();
        while (seen.Count < total)
            seen.Add((await bobSocket.WaitForAsync(f => ChatSocket.Type(f) == "message.new", TimeSpan.FromSeconds(60),
                $"message.new #{seen.Count + 1} on bob's socket (node 2)"))["message"]!["message_id"]!.GetValue<string>());
        Assert.Equal(total, seen.Count);
    }

    public async Task DisposeAsync()
    {
        // Services before the broker they use.
        foreach (var process in Enumerable.Reverse(_processes)) await process.DisposeAsync();
        _data.Dispose();
    }
}
