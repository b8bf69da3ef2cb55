using System.Net;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests;

/// <summary>The webhook worker as its own process, killed while deliveries wait for their retries.</summary>
public sealed class WebhookRestartTests : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;
    private ChatServer _server = null!;
    private volatile bool _failing = true;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _receiver.Answer = _ => _failing ? 500 : 200;
        _server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Webhooks:Enabled"] = "false" });
    }

    private Task<ServiceProcess> StartWebhooksAsync() => ServiceProcess.StartAsync("Webhooks", new Dictionary<string, string?>
    {
        ["Chat__DataDir"] = _server.DataDir,
        ["Kafka__BootstrapServers"] = _server.BootstrapServers,
        ["Kafka__SessionTimeoutMs"] = "3000",
        ["Kafka__HeartbeatIntervalMs"] = "500",
        ["Auth__JwksUrl"] = new Uri(_server.BaseAddress, "/.well-known/jwks.json").ToString(),
        ["Webhooks__AllowLoopbackTargets"] = "true",
        ["Webhooks__RetrySchedule"] = "0s,3s,3s,3s,3s",
        ["Logging__LogLevel__Default"] = "Warning",
    });

    [Fact]
    public async Task Deliveries_waiting_to_retry_when_the_worker_is_killed_all_arrive_after_restart_each_under_one_webhook_id()
    {
        var alice = await _server.Client().SignUpAsync("alice");
        await _server.Client().SignUpAsync("bob");
        var conversation = await alice.CreateConversationAsync("direct", "bob");
        var worker = await StartWebhooksAsync();
        using (var webhooks = new ApiClient(new HttpClient { BaseAddress = worker.Address }).ActingAs(alice))
            await ApiClient.ExpectAsync(await webhooks.PostJsonAsync("/v1/webhooks", new { url = _receiver.Url.ToString(), events = new[] { "message.status" } }), HttpStatusCode.Created);

        var sent = new List<string>();
        for (var i = 0; i < 3; i++) sent.Add(await alice.SendTextAsync(conversation, $"event {i}"));
        string MessageOf(WebhookReceiver.Received r) => JsonNode.Parse(r.Body)!["data"]!["message_id"]!.GetValue<string>();
        await Eventually.UntilAsync(() => sent.All(id => _receiver.Deliveries.Any(r => MessageOf(r) == id)), TimeSpan.FromSeconds(30), "a failed first attempt of each");
        worker.Kill();
        await worker.DisposeAsync();

        _failing = false;
        await using var restarted = await StartWebhooksAsync();
        await Eventually.UntilAsync(() => sent.All(id => _receiver.Deliveries.Any(r => MessageOf(r) == id && r.Status == 200)), TimeSpan.FromSeconds(60),
            "every event delivered after the restart");
        foreach (var id in sent)
        {
            var attempts = _receiver.Deliveries.Where(r => MessageOf(r) == id).ToList();
            Assert.Single(attempts.Select(a => a.Id).Distinct());
            Assert.Single(attempts, a => a.Status == 200);
        }
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _receiver.DisposeAsync();
    }
}
