using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Chat.EndToEnd.Tests;

/// <summary>A Host whose traces also go to a list in memory.</summary>
public sealed class TracedServerFixture : IAsyncLifetime
{
    private readonly SpanList _spans = new();
    public ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ChatServer.StartAsync(
        new Dictionary<string, string?> { ["Webhooks:AllowLoopbackTargets"] = "true", ["Auth:Admins:0"] = "root" }, // the webhook receiver runs on loopback
        builder => builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(_spans)));

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public List<Activity> Snapshot()
    {
        lock (_spans) return [.. _spans];
    }

    /// <summary>The exporter adds under no lock of ours: each add takes the lock a snapshot takes.</summary>
    private sealed class SpanList : Collection<Activity>
    {
        protected override void InsertItem(int index, Activity item)
        {
            lock (this) base.InsertItem(index, item);
        }
    }
}

public sealed class TracingTests(TracedServerFixture fixture) : IClassFixture<TracedServerFixture>
{
    [Fact]
    public async Task One_message_is_one_trace_from_the_POST_through_Kafka_and_the_store_to_the_WebSocket_push()
    {
        var alice = await fixture.Server.Client().SignUpAsync("traced");
        var bob = await fixture.Server.Client().SignUpAsync("tracee");
        var conversation = await alice.CreateConversationAsync("direct", bob.Username!);
        await using var socket = await ChatSocket.ConnectAsync(fixture.Server.BaseAddress, bob);
        var id = await alice.SendTextAsync(conversation, "follow me");
        await socket.MessagesAsync(1);

        // Other tests' hosts run in this process too, and the exporter sees their spans: find this message's by its key.
        var publish = await Eventually.UntilAsync(() => Task.FromResult(fixture.Snapshot().FirstOrDefault(a =>
                a.Kind == ActivityKind.Producer && a.DisplayName == "chat.messages publish" && a.GetTagItem("messaging.kafka.message.key") as string == conversation)),
            a => a is not null, TimeSpan.FromSeconds(30), "the produce span of this conversation's message");
        // A span is exported when it ends: the consumer span ends with its batch, a moment after the push.
        var spans = await Eventually.UntilAsync(() => Task.FromResult(fixture.Snapshot().Where(a => a.TraceId == publish!.TraceId).ToList()),
            s => s.Any(a => a.DisplayName == "websocket push") && s.Any(a => a.Kind == ActivityKind.Consumer && a.GetTagItem("messaging.consumer.group.name") as string == "chat-router"),
            TimeSpan.FromSeconds(30), "the push and the Router's span in the same trace");

        var post = Assert.Single(spans, a => a.Kind == ActivityKind.Server);
        Assert.Equal("POST", post.GetTagItem("http.request.method"));
        Assert.Equal("/v1/messages/", post.GetTagItem("http.route"));
        Assert.Equal(post.SpanId, publish!.ParentSpanId);
        Assert.Equal("kafka", publish.GetTagItem("messaging.system"));
        Assert.Equal("chat.messages", publish.GetTagItem("messaging.destination.name"));
        Assert.NotNull(publish.GetTagItem("messaging.destination.partition.id"));

        var consume = Assert.Single(spans, a => a.Kind == ActivityKind.Consumer && a.DisplayName == "chat.messages process");
        Assert.Equal(publish.SpanId, consume.ParentSpanId);
        Assert.Equal("chat-router", consume.GetTagItem("messaging.consumer.group.name"));
        Assert.Equal(id, consume.GetTagItem("messaging.message.id"));

        var store = Assert.Single(spans, a => a.DisplayName == "store write");
        var push = Assert.Single(spans, a => a.DisplayName == "websocket push");
        Assert.Equal(consume.SpanId, store.ParentSpanId);
        Assert.Equal(consume.SpanId, push.ParentSpanId);
        Assert.True(store.StartTimeUtc + store.Duration <= push.StartTimeUtc + TimeSpan.FromMilliseconds(1), "the push follows the store write");
    }

    [Fact]
    public async Task One_trace_holds_a_message_from_the_POST_through_the_Router_and_the_connector_send_to_the_webhook_of_its_delivered_status()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var alice = await fixture.Server.Client().SignUpAsync("tracedwa");
        var bob = await fixture.Server.Client().SignUpAsync("traceewa");
        await ApiClient.ExpectAsync(await alice.PostJsonAsync("/v1/webhooks", new { url = receiver.Url.ToString(), events = new[] { "message.status" } }),
            HttpStatusCode.Created);
        // Set by an admin, so it counts at once (issue 14: a user's own mapping waits for proof).
        var root = await fixture.Server.Client().SignUpAsync("root");
        await ApiClient.ExpectAsync(await root.Http.PutAsJsonAsync($"/v1/users/{bob.Username}/channels/whatsapp", new { external_id = "+15550002" }), HttpStatusCode.OK);
        var conversation = await alice.CreateConversationAsync("direct", bob.Username!);
        var sent = await ApiClient.ExpectAsync(await alice.PostJsonAsync("/v1/messages", new
        {
            conversation_id = conversation, from = alice.Username, channels = new[] { "whatsapp" }, payload = new { type = "text", text = "follow me to whatsapp" },
        }), HttpStatusCode.Accepted);
        var id = sent["message_id"]!.GetValue<string>();

        // The webhook attempt for the delivered status (the mock WhatsApp's answer), found by its delivery id: {webhook}.{message}/{recipient}/{channel}/{status}.
        var webhookSend = await Eventually.UntilAsync(() => Task.FromResult(fixture.Snapshot().FirstOrDefault(a => a.DisplayName == "webhook send"
                && (a.GetTagItem("chat.webhook.delivery.id") as string)?.EndsWith($".{id}/{bob.Username}/whatsapp/delivered", StringComparison.Ordinal) == true)),
            a => a is not null, TimeSpan.FromSeconds(30), "the webhook delivery of the delivered status");
        var trace = await Eventually.UntilAsync(() => Task.FromResult(fixture.Snapshot().Where(a => a.TraceId == webhookSend!.TraceId).ToList()),
            spans => Ancestors(webhookSend!, spans).Any(a => a.Kind == ActivityKind.Server), TimeSpan.FromSeconds(30), "the webhook's ancestry back to the POST");

        var post = Assert.Single(trace, a => a.Kind == ActivityKind.Server && a.GetTagItem("http.route") as string == "/v1/messages/");
        Assert.Equal("POST", post.GetTagItem("http.request.method"));
        var router = Assert.Single(trace, a => a.Kind == ActivityKind.Consumer && a.GetTagItem("messaging.consumer.group.name") as string == "chat-router");
        Assert.Equal(id, router.GetTagItem("messaging.message.id"));
        var connectorSend = Assert.Single(trace, a => a.DisplayName == "whatsapp send");
        Assert.Equal(ActivityKind.Client, connectorSend.Kind);
        Assert.Equal(200, webhookSend!.GetTagItem("http.response.status_code"));
        Assert.Contains(receiver.Deliveries, r => r.Body.Contains("\"delivered\"", StringComparison.Ordinal) && r.Body.Contains(id, StringComparison.Ordinal));

        // Not only one trace id: each hop is the child of the one before, back to the POST.
        Assert.Contains(router, Ancestors(connectorSend, trace));
        Assert.Contains(post, Ancestors(router, trace));
        var chain = Ancestors(webhookSend, trace).Select(a => a.DisplayName).ToList();
        Assert.Equal(["chat.status process", "chat.status publish", "chat.receipts process", "chat.receipts publish", "chat.deliveries process",
            "chat.deliveries publish", "chat.messages process", "chat.messages publish"], chain.TakeWhile(n => n != post.DisplayName));
    }

    /// <summary>A span's parent, its parent's parent, and so on, as far as the spans at hand go.</summary>
    private static List<Activity> Ancestors(Activity span, IReadOnlyList<Activity> spans)
    {
        var byId = spans.GroupBy(a => a.SpanId).ToDictionary(g => g.Key, g => g.First());
        var ancestors = new List<Activity>();
        for (var at = span; byId.TryGetValue(at.ParentSpanId, out var parent); at = parent) ancestors.Add(parent);
        return ancestors;
    }
}
