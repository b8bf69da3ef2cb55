using System.Net;
using System.Net.Http.Json;

namespace Chat.EndToEnd.Tests;

/// <summary>The connector worker as its own process, killed while deliveries wait for their retries.</summary>
public sealed class ConnectorRestartTests : IAsyncLifetime
{
    private FakeTelegram _telegram = null!;
    private ChatServer _server = null!;

    public async Task InitializeAsync()
    {
        _telegram = await FakeTelegram.StartAsync();
        _server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Connectors:Enabled"] = "false", ["Auth:Admins:0"] = "root" });
    }

    private Task<ServiceProcess> StartConnectorsAsync() => ServiceProcess.StartAsync("Connectors", new Dictionary<string, string?>
    {
        ["Chat__DataDir"] = _server.DataDir,
        ["Kafka__BootstrapServers"] = _server.BootstrapServers,
        ["Kafka__SessionTimeoutMs"] = "3000",
        ["Kafka__HeartbeatIntervalMs"] = "500",
        ["Auth__JwksUrl"] = new Uri(_server.BaseAddress, "/.well-known/jwks.json").ToString(),
        ["Connectors__Telegram__BotToken"] = "123456:TEST-TOKEN",
        ["Connectors__Telegram__BaseUrl"] = _telegram.BaseAddress.ToString().TrimEnd('/'),
        ["Connectors__RetryDelays"] = "3s,3s,3s,3s",
        ["Connectors__BreakDuration"] = "00:00:01",
        ["Logging__LogLevel__Default"] = "Warning",
        // Stopped at once: the consumer's stop, not the drain's wait, meets the send in flight.
        ["Chat__DrainSeconds"] = "0",
    });

    [Fact]
    public async Task Deliveries_waiting_for_a_retry_when_the_worker_is_killed_are_each_delivered_once_after_it_restarts()
    {
        var alice = await _server.Client().SignUpAsync("alice");
        var bob = await _server.Client().SignUpAsync("bob");
        // Set by an admin, so it counts at once (issue 14: a user's own mapping waits for proof).
        var root = await _server.Client().SignUpAsync("root");
        await ApiClient.ExpectAsync(await root.Http.PutAsJsonAsync("/v1/users/bob/channels/telegram", new { external_id = "8080" }), HttpStatusCode.OK);
        var conversation = await alice.CreateConversationAsync("direct", "bob");
        var texts = Enumerable.Range(1, 3).Select(i => $"retry me {i}").ToList();

        _telegram.Failing = true;
        var worker = await StartConnectorsAsync();
        foreach (var text in texts)
            await ApiClient.ExpectAsync(await alice.PostJsonAsync("/v1/messages",
                new { conversation_id = conversation, from = "alice", channels = new[] { "telegram" }, payload = new { type = "text", text } }), HttpStatusCode.Accepted);
        await Eventually.UntilAsync(() => texts.All(t => _telegram.Calls.Any(c => c.Text == t)), TimeSpan.FromSeconds(30), "a failed first attempt of each");
        worker.Kill();
        await worker.DisposeAsync();

        _telegram.Failing = false;
        await using var restarted = await StartConnectorsAsync();
        await Eventually.UntilAsync(() => texts.All(t => _telegram.Calls.Any(c => c.Text == t && c.Answered)), TimeSpan.FromSeconds(60), "each delivered after the restart");
        foreach (var text in texts) Assert.Single(_telegram.Calls, c => c.Text == text && c.Answered);
        var history = await alice.HistoryAsync(conversation);
        foreach (var message in history)
        {
            var id = message["message_id"]!.GetValue<string>();
            await Eventually.UntilAsync(async () => (await alice.GetJsonAsync($"/v1/messages/{id}/status"))["status"]!.GetValue<string>(),
                s => s == "delivered", TimeSpan.FromSeconds(30), $"{id} delivered");
        }
    }

    [Fact]
    public async Task A_send_in_flight_when_the_worker_is_asked_to_stop_is_finished_and_not_sent_again_after_the_restart()
    {
        var alice = await _server.Client().SignUpAsync("alice");
        await _server.Client().SignUpAsync("bob");
        var root = await _server.Client().SignUpAsync("root");
        await ApiClient.ExpectAsync(await root.Http.PutAsJsonAsync("/v1/users/bob/channels/telegram", new { external_id = "8081" }), HttpStatusCode.OK);
        var conversation = await alice.CreateConversationAsync("direct", "bob");
        var worker = await StartConnectorsAsync();

        // Telegram has taken the send and is about to answer when the worker is told to stop (SIGTERM, as in a rolling restart).
        _telegram.AnswerDelay = TimeSpan.FromSeconds(1.5);
        await SendToTelegramAsync(alice, conversation, "in flight");
        await Eventually.UntilAsync(() => _telegram.Calls.Any(c => c.Text == "in flight"), TimeSpan.FromSeconds(30), "the send under way");
        worker.Terminate();
        Assert.Equal(0, await worker.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await worker.DisposeAsync();
        _telegram.AnswerDelay = TimeSpan.Zero;

        await using var restarted = await StartConnectorsAsync();
        // Same conversation, same partition: once this one is sent, a replay of the first would have been sent before it.
        await SendToTelegramAsync(alice, conversation, "after the restart");
        await Eventually.UntilAsync(() => _telegram.Calls.Any(c => c.Text == "after the restart"), TimeSpan.FromSeconds(60), "the next send after the restart");
        Assert.Single(_telegram.Calls, c => c.Text == "in flight");
    }

    private static async Task SendToTelegramAsync(ApiClient sender, string conversation, string text) =>
        await ApiClient.ExpectAsync(await sender.PostJsonAsync("/v1/messages",
            new { conversation_id = conversation, from = sender.Username, channels = new[] { "telegram" }, payload = new { type = "text", text } }), HttpStatusCode.Accepted);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _telegram.DisposeAsync();
    }
}
