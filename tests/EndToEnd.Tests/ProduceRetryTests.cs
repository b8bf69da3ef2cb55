using System.Net;
using Chat.Shared.Kafka;
using Chat.Shared.Kafka.Embedded;
using Confluent.Kafka;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// Issue 15: produce requests failing or answered late (the embedded broker's fault injection). The
/// producer retries what failed; a message is stored once however often its produce was tried.
/// </summary>
public sealed class ProduceRetryTests
{
    private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Produce_errors_are_retried_and_every_message_is_on_the_log_and_in_history_once_without_gaps()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Kafka:ProduceTimeoutMs"] = "10000" });
        var alice = await server.Client().SignUpAsync("alice");
        await server.Client().SignUpAsync("bob");
        var conversation = await alice.CreateConversationAsync("direct", "bob");
        var ids = Enumerable.Range(1, 40).Select(i => $"retried-{i}").ToList();

        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            // Every tenth message meets three failing produce requests in a row, the second answered late.
            if (i % 10 == 0)
                server.Broker.AnswerNextRequests(KafkaApi.Produce,
                    (ErrorCode.NotLeaderForPartition, TimeSpan.Zero), (ErrorCode.RequestTimedOut, TimeSpan.FromMilliseconds(300)), (ErrorCode.NotEnoughReplicas, TimeSpan.Zero));
            await alice.SendTextAsync(conversation, id, messageId: id);
            if (i % 10 == 0) Assert.Equal(0, server.Broker.AnswersLeft(KafkaApi.Produce)); // the failures were met (and retried) before the 202
        }

        var history = await Eventually.UntilAsync(() => alice.HistoryAsync(conversation), h => h.Count >= ids.Count, TimeLimit, "the messages stored");
        Assert.Equal(ids, history.Select(m => m["message_id"]!.GetValue<string>()));
        var numbers = history.Select(m => m["sequence_number"]!.GetValue<long>()).ToList();
        Assert.Equal(Enumerable.Range((int)numbers[0], ids.Count).Select(n => (long)n), numbers);
        // Not only deduplicated by the Router: the log itself holds each message once.
        var onLog = KafkaProbe.ReadAll(server.BootstrapServers, Topics.Messages)
            .Select(r => EventHeaders.Get(r.Message.Headers, EventHeaders.Id)).Where(id => id is not null && ids.Contains(id))
            .GroupBy(id => id).Select(g => $"{g.Key} x{g.Count()}").Order().ToList();
        Assert.Equal(ids.Select(id => $"{id} x1").Order(), onLog);
    }

    [Fact]
    public async Task A_produce_answered_after_the_timeout_is_refused_and_its_retry_with_the_same_id_is_stored_once()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?> { ["Kafka:ProduceTimeoutMs"] = "1500" });
        var alice = await server.Client().SignUpAsync("alice");
        await server.Client().SignUpAsync("bob");
        var conversation = await alice.CreateConversationAsync("direct", "bob");
        await alice.SendTextAsync(conversation, "before", messageId: "before");

        // The broker takes the record but its answer comes too late: the sender cannot know it arrived.
        server.Broker.SetRoundTripTime(TimeSpan.FromSeconds(3));
        HttpResponseMessage late;
        try
        {
            late = await alice.PostJsonAsync("/v1/messages", new { message_id = "late", conversation_id = conversation, from = "alice", payload = new { type = "text", text = "late" } });
        }
        finally
        {
            server.Broker.SetRoundTripTime(TimeSpan.Zero);
        }
        await ApiClient.ExpectAsync(late, HttpStatusCode.ServiceUnavailable);
        Assert.True(late.Headers.RetryAfter?.Delta > TimeSpan.Zero, "503 carries Retry-After");

        // As the 503 asks: the same message again, same message_id.
        await alice.SendTextAsync(conversation, "late", messageId: "late");
        await alice.SendTextAsync(conversation, "after", messageId: "after");
        var history = await Eventually.UntilAsync(() => alice.HistoryAsync(conversation),
            h => h.Any(m => m["message_id"]!.GetValue<string>() == "after"), TimeLimit, "the message sent after");
        Assert.Equal(["before", "late", "after"], history.Select(m => m["message_id"]!.GetValue<string>()));
        // The log has the late one twice (the first try did arrive); the Router stored it once.
        var onLog = KafkaProbe.ReadAll(server.BootstrapServers, Topics.Messages).Count(r => EventHeaders.Get(r.Message.Headers, EventHeaders.Id) == "late");
        Assert.True(onLog >= 2, $"the late message is on the log {onLog} time(s); its first try was expected to have arrived");
    }
}
