using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Chat.EndToEnd.Tests;

/// <summary>A Host whose traces also go to a list in memory.</summary>
public sealed class TracedServerFixture : IAsyncLifetime
{
    public List<Activity> Spans { get; } = [];
    public ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await ChatServer.StartAsync(configure: builder => builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(Spans)));

    public async Task DisposeAsync() => await Server.DisposeAsync();

    public List<Activity> Snapshot()
    {
        lock (Spans) return [.. Spans];
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
        var spans = await Eventually.UntilAsync(() => Task.FromResult(fixture.Snapshot().Where(a => a.TraceId == publish!.TraceId).ToList()),
            s => s.Any(a => a.DisplayName == "websocket push"), TimeSpan.FromSeconds(30), "the push span in the same trace");

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
}
