using System.Net;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// Issue 21: a call's state lives in the store, not in the Presence process that rang it. Distributed mode,
/// each service its own process on etcd metadata and Redis presence: a call rung through node 1 is answered
/// and ended through node 1 after it was killed (kill -9) and started again, with the sockets on node 2.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class CallRestartTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _data = new();
    private readonly List<ServiceProcess> _processes = [];
    private string _bootstrap = null!;
    private ServiceProcess _auth = null!, _frontend = null!, _node1 = null!, _node2 = null!;

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
        await StartAsync("Router");
        _node1 = await StartAsync("Presence", "node-1");
        _node2 = await StartAsync("Presence", "node-2");
    }

    private async Task<ServiceProcess> StartAsync(string service, string? name = null, int? port = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["Chat__DataDir"] = _data.Path,
            ["Kafka__BootstrapServers"] = _bootstrap,
            ["Kafka__SessionTimeoutMs"] = "3000",
            ["Kafka__HeartbeatIntervalMs"] = "500",
            ["Metadata__Kind"] = "etcd",
            ["Etcd__Endpoints"] = TestServers.Etcd,
            ["Etcd__Prefix"] = $"/chat-calls-{Path.GetFileName(_data.Path)}/",
            ["Presence__Kind"] = "redis",
            ["Redis__Configuration"] = TestServers.Redis,
            ["Redis__KeyPrefix"] = $"chat-calls-{Path.GetFileName(_data.Path)}:",
            ["Presence__NodeId"] = name ?? service,
            ["Calls__RingTimeout"] = "00:02:00", // long enough to outlast the restart on a busy machine
            ["Auth__JwksUrl"] = service == "Auth" ? null : new Uri(_auth.Address, "/.well-known/jwks.json").ToString(),
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var process = await ServiceProcess.StartAsync(service, environment, name, port);
        _processes.Add(process);
        return process;
    }

    private async Task<(ApiClient Frontend, ApiClient Node1)> UserAsync(string username)
    {
        using var auth = new ApiClient(new HttpClient { BaseAddress = _auth.Address });
        await auth.SignUpAsync(username);
        return (new ApiClient(new HttpClient { BaseAddress = _frontend.Address }).ActingAs(auth),
            new ApiClient(new HttpClient { BaseAddress = _node1.Address }).ActingAs(auth));
    }

    private static Task<JsonNode> FrameAsync(ChatSocket socket, string type, string callId) =>
        socket.WaitForAsync(f => ChatSocket.Type(f) == type && (f["call"]?["call_id"] ?? f["call_id"])!.GetValue<string>() == callId, Deadline, type);

    [Fact]
    public async Task A_call_rung_before_a_presence_node_restart_is_answered_and_ended_through_it_after()
    {
        var (alice, aliceOnNode1) = await UserAsync("alicerestart");
        var (bob, bobOnNode1) = await UserAsync("bobrestart");
        var conversation = await alice.CreateConversationAsync("direct", "bobrestart");
        await using var aliceSocket = await ChatSocket.ConnectAsync(_node2.Address, alice);
        await using var bobSocket = await ChatSocket.ConnectAsync(_node2.Address, bob);

        var started = await ApiClient.ExpectAsync(await aliceOnNode1.PostJsonAsync("/v1/calls", new { conversation_id = conversation, media = "video" }), HttpStatusCode.Created);
        var callId = started["call_id"]!.GetValue<string>();
        await FrameAsync(bobSocket, "call.incoming", callId);

        _node1.Kill();
        await _node1.DisposeAsync();
        _processes.Remove(_node1);
        _node1 = await StartAsync("Presence", "node-1", _node1.Address.Port);

        var answered = await ApiClient.ExpectAsync(await bobOnNode1.PostJsonAsync($"/v1/calls/{callId}/answer", new { }), HttpStatusCode.OK);
        Assert.Equal("active", answered["state"]!.GetValue<string>());
        Assert.Equal("bobrestart", (await FrameAsync(aliceSocket, "call.answered", callId))["username"]!.GetValue<string>());
        await aliceSocket.SendAsync(new { type = "call.signal", call_id = callId, to = "bobrestart", data = new { sdp = "v=0 offer" } });
        Assert.Equal("v=0 offer", (await FrameAsync(bobSocket, "call.signal", callId))["data"]!["sdp"]!.GetValue<string>());

        var ended = await ApiClient.ExpectAsync(await aliceOnNode1.PostJsonAsync($"/v1/calls/{callId}/end", new { }), HttpStatusCode.OK);
        Assert.Equal("completed", ended["outcome"]!.GetValue<string>());
        Assert.Equal("completed", (await FrameAsync(bobSocket, "call.ended", callId))["call"]!["outcome"]!.GetValue<string>());
        Assert.Equal("completed", (await bobOnNode1.GetJsonAsync("/v1/calls"))["items"]![0]!["outcome"]!.GetValue<string>());
        var system = await Eventually.UntilAsync(() => bob.HistoryAsync(conversation),
            h => h.Any(m => m["payload"]?["event"]?.GetValue<string>() == "call.ended"), Deadline, "the call's system message");
        Assert.Equal(callId, system.Single(m => m["payload"]?["event"]?.GetValue<string>() == "call.ended")["payload"]!["call"]!["call_id"]!.GetValue<string>());
    }

    public async Task DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes)) await process.DisposeAsync();
        _data.Dispose();
    }
}
