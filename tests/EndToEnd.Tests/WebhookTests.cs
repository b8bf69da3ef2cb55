using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests;

public sealed class WebhookFixture : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ChatServer.StartAsync(new Dictionary<string, string?>
    {
        ["Webhooks:AllowLoopbackTargets"] = "true", // the receivers run on loopback; private ranges stay refused
        // Each wait at least double the last, so the spacing still grows through jitter and dispatcher ticks.
        ["Webhooks:RetrySchedule"] = "0s,250ms,750ms,2s,4s",
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class WebhookTests(WebhookFixture fixture) : IClassFixture<WebhookFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private ChatServer Server => fixture.Server;

    private static async Task<(string Id, string Secret)> RegisterAsync(ApiClient owner, Uri url)
    {
        var created = await ApiClient.ExpectAsync(await owner.PostJsonAsync("/v1/webhooks", new { url = url.ToString(), events = new[] { "message.status" } }), HttpStatusCode.Created);
        return (created["webhook_id"]!.GetValue<string>(), created["secret"]!.GetValue<string>());
    }

    private static JsonNode Data(WebhookReceiver.Received r) => JsonNode.Parse(r.Body)!["data"]!;

    [Fact]
    public async Task Sent_delivered_read_arrive_as_three_signed_events_that_an_independent_verifier_accepts()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var alice = await Server.Client().SignUpAsync("alicewh");
        var bob = await Server.Client().SignUpAsync("bobwh");
        var (_, secret) = await RegisterAsync(alice, receiver.Url);
        var conversation = await alice.CreateConversationAsync("direct", "bobwh");
        await using var bobSocket = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);

        var id = await alice.SendTextAsync(conversation, "watched by a webhook");
        var message = (await bobSocket.MessagesAsync(1))[0];
        await bobSocket.SendAsync(new { type = "ack", message_id = id });
        await Eventually.UntilAsync(() => Task.FromResult(receiver.Deliveries.Count), n => n >= 2, Deadline, "sent and delivered");
        await bobSocket.SendAsync(new { type = "read", conversation_id = conversation, up_to_seq = message["sequence_number"]!.GetValue<long>() });
        await Eventually.UntilAsync(() => Task.FromResult(receiver.Deliveries.Count), n => n >= 3, Deadline, "read");

        var received = receiver.Deliveries.ToList();
        // Deliveries run side by side (up to Webhooks:ConcurrencyPerEndpoint), so arrival order is not promised: the body's timestamp is.
        Assert.Equal(["delivered", "read", "sent"], received.Select(r => Data(r)["status"]!.GetValue<string>()).Order());
        Assert.All(received, r => Assert.Equal((id, "bobwh", "app"), (Data(r)["message_id"]!.GetValue<string>(), Data(r)["recipient"]!.GetValue<string>(), Data(r)["channel"]!.GetValue<string>())));
        Assert.All(received, r => Assert.True(WebhookReceiver.Verify(secret, r.Id, r.Timestamp, r.Body, r.Signature, DateTimeOffset.UtcNow), "signature verifies"));
        Assert.Equal(3, received.Select(r => r.Id).Distinct().Count());
        var first = received[0];
        // Arrival order varies, so tamper in a way that changes any of the three bodies.
        var tampered = first.Body[..^1] + ",\"injected\":true}";
        Assert.False(WebhookReceiver.Verify(secret, first.Id, first.Timestamp, tampered, first.Signature, DateTimeOffset.UtcNow), "a tampered body fails");
        Assert.False(WebhookReceiver.Verify(secret, first.Id, first.Timestamp, first.Body, first.Signature, DateTimeOffset.UtcNow.AddMinutes(10)), "a stale timestamp fails");
        Assert.False(WebhookReceiver.Verify("whsec_" + Convert.ToBase64String(new byte[32]), first.Id, first.Timestamp, first.Body, first.Signature, DateTimeOffset.UtcNow), "another secret fails");
    }

    [Fact]
    public async Task An_endpoint_failing_three_times_gets_the_fourth_attempt_and_the_log_shows_growing_spacing()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = n => n <= 3 ? 500 : 200;
        var alice = await Server.Client().SignUpAsync("aliceretry");
        await Server.Client().SignUpAsync("bobretry");
        var (webhook, _) = await RegisterAsync(alice, receiver.Url);
        var conversation = await alice.CreateConversationAsync("direct", "bobretry");
        await alice.SendTextAsync(conversation, "try, try again");

        var log = await Eventually.UntilAsync(async () => (await alice.GetJsonAsync($"/v1/webhooks/{webhook}/deliveries"))["items"]!.AsArray(),
            items => items.Count == 1 && items[0]!["state"]!.GetValue<string>() == "succeeded", Deadline, "the delivery to succeed");
        var attempts = log[0]!["attempt_log"]!.AsArray();
        Assert.Equal([500, 500, 500, 200], attempts.Select(a => a!["status_code"]!.GetValue<int>()));
        var times = attempts.Select(a => a!["at"]!.GetValue<DateTimeOffset>()).ToList();
        var gaps = times.Zip(times.Skip(1), (a, b) => b - a).ToList();
        Assert.True(gaps.Zip(gaps.Skip(1)).All(p => p.Second > p.First), $"spacing grows: {string.Join(", ", gaps)}");
        Assert.Single(receiver.Deliveries.Select(d => d.Id).Distinct());
    }

    [Fact]
    public async Task A_dead_endpoint_does_not_slow_a_healthy_one_through_1000_events()
    {
        await using var healthy = await WebhookReceiver.StartAsync();
        var alice = await Server.Client().SignUpAsync("alicebulk");
        await Server.Client().SignUpAsync("bobbulk");
        await RegisterAsync(alice, healthy.Url);
        var conversation = await alice.CreateConversationAsync("direct", "bobbulk");
        var baseline = await EventsPerSecondAsync(alice, conversation, healthy, 1000);

        var dead = new Uri($"http://127.0.0.1:{ServiceProcess.FreePort()}/hook"); // nothing listens: connection refused
        await RegisterAsync(alice, dead);
        var withDead = await EventsPerSecondAsync(alice, conversation, healthy, 1000);
        Assert.True(withDead >= baseline * 0.5, $"the healthy endpoint kept its pace beside a dead one: {withDead:0}/s against {baseline:0}/s");
    }

    /// <summary>Sends <paramref name="count"/> messages and times until the receiver has that many more distinct events.</summary>
    private static async Task<double> EventsPerSecondAsync(ApiClient alice, string conversation, WebhookReceiver receiver, int count)
    {
        var before = receiver.Deliveries.Select(d => d.Id).Distinct().Count();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i += 20)
            await Task.WhenAll(Enumerable.Range(i, 20).Select(n => alice.SendTextAsync(conversation, $"bulk {n}")));
        await Eventually.UntilAsync(() => Task.FromResult(receiver.Deliveries.Select(d => d.Id).Distinct().Count()), n => n >= before + count,
            TimeSpan.FromSeconds(90), $"{count} more events at the healthy endpoint");
        return count / clock.Elapsed.TotalSeconds;
    }

    [Fact]
    public async Task Registration_refuses_bad_urls_private_addresses_and_unknown_events_naming_the_field()
    {
        var owner = await Server.Client().SignUpAsync("registrar");
        var cases = new (object Body, string Field)[]
        {
            (new { url = "not a url", events = new[] { "message.status" } }, "url"),
            (new { url = "ftp://example.com/hook", events = new[] { "message.status" } }, "url"),
            (new { url = "http://10.1.2.3/hook", events = new[] { "message.status" } }, "url"),
            (new { url = "http://192.168.0.7/hook", events = new[] { "message.status" } }, "url"),
            (new { url = "http://169.254.169.254/latest/meta-data", events = new[] { "message.status" } }, "url"),
            (new { url = "http://127.0.0.1:9/hook", events = new[] { "message.exploded" } }, "events[0]"),
            (new { url = "http://127.0.0.1:9/hook" }, "events"),
        };
        foreach (var (body, field) in cases)
        {
            var problem = await ApiClient.ExpectAsync(await owner.PostJsonAsync("/v1/webhooks", body), HttpStatusCode.BadRequest);
            Assert.True(problem["errors"]?[field] is not null, $"names '{field}': {problem.ToJsonString()}");
        }
        Assert.Empty((await owner.GetJsonAsync("/v1/webhooks"))["items"]!.AsArray());

        var (id, _) = await RegisterAsync(owner, new Uri("http://127.0.0.1:9/hook"));
        var stranger = await Server.Client().SignUpAsync("stranger");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.DeleteAsync($"/v1/webhooks/{id}")).StatusCode);
        Assert.Null((await owner.GetJsonAsync("/v1/webhooks"))["items"]![0]!["secret"]);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.Http.DeleteAsync($"/v1/webhooks/{id}")).StatusCode);
    }
}
