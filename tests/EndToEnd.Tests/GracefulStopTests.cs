using System.Net;
using System.Net.WebSockets;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// Issue 15: a service asked to stop (SIGTERM) drains. Readiness goes false first, it goes on
/// serving while load balancers notice, sockets get a 1001 close so clients reconnect elsewhere,
/// consumers leave their groups, and the embedded broker stops after every client, so nothing is
/// logged as an error.
/// </summary>
public sealed class GracefulStopTests
{
    [Fact]
    public async Task A_stopping_host_goes_unready_first_still_serves_closes_sockets_with_1001_and_logs_no_errors()
    {
        using var data = new TempDirectory();
        await using var host = await ServiceProcess.StartAsync("Host", new Dictionary<string, string?>
        {
            ["Chat__DataDir"] = data.Path,
            ["Chat__DrainSeconds"] = "3",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Chat"] = "Information",
        }, "stopping host");
        var alice = await new ApiClient(new HttpClient { BaseAddress = host.Address }).SignUpAsync("drain-alice");
        var bob = await new ApiClient(new HttpClient { BaseAddress = host.Address }).SignUpAsync("drain-bob");
        var conversation = await alice.CreateConversationAsync("direct", "drain-bob");
        await using var bobSocket = await ChatSocket.ConnectAsync(host.Address, bob);
        await alice.SendTextAsync(conversation, "before");
        await bobSocket.WaitForAsync(f => ChatSocket.Type(f) == "message.new", TimeSpan.FromSeconds(30), "the message before the stop");
        using var probe = new HttpClient { BaseAddress = host.Address };
        async Task<HttpStatusCode> ReadinessAsync() => (await probe.GetAsync("/health/ready")).StatusCode;
        await Eventually.UntilAsync(ReadinessAsync, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "ready before the stop");

        host.Terminate();
        await Eventually.UntilAsync(ReadinessAsync, s => s == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(2), "not ready at once");
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await bobSocket.ClosedAsync(TimeSpan.FromSeconds(5)));
        // Still serving while draining: a request now is answered, and a message accepted.
        await alice.SendTextAsync(conversation, "while draining");

        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var output = host.AllOutput;
        Assert.Contains(output, l => l.Contains("Consumer group chat-router left chat.messages", StringComparison.Ordinal));
        // librdkafka logs on its own (lines like %3|…|ERROR|…: 1/1 brokers are down) when a client outlives the broker.
        var errors = output.Where(l => l.StartsWith("fail:") || l.StartsWith("crit:") || l.StartsWith("%3|") || l.Contains("brokers are down")).ToList();
        Assert.True(errors.Count == 0, "errors logged while stopping:\n" + string.Join('\n', errors));
    }
}
