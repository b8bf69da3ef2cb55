using System.Net;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// Issue 15: the broker taken down (librdkafka mock's own fault injection) while a steady stream of
/// messages runs, then brought back. A 202 is a promise; a 503 is the answer while it cannot be kept.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class BrokerOutageUnderLoadTests
{
    private static readonly TimeSpan ProduceTimeout = TimeSpan.FromMilliseconds(1500);

    [Fact]
    public async Task Under_load_a_broker_outage_answers_503_in_time_and_loses_or_repeats_nothing_accepted()
    {
        await using var server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Kafka:ProduceTimeoutMs"] = ((int)ProduceTimeout.TotalMilliseconds).ToString(),
        });
        var alice = await server.Client().SignUpAsync("alice");
        await server.Client().SignUpAsync("bob");
        var conversations = new List<string>();
        for (var i = 0; i < 8; i++) conversations.Add(await alice.CreateConversationAsync("group", "alice", "bob"));
        var timeLimit = TimeSpan.FromSeconds(30);

        await using var load = new SteadyLoad(alice, conversations, messagesPerSecond: 80, ["app"]);
        load.Start();
        await Eventually.UntilAsync(() => load.AcceptedCount >= 20, timeLimit, "the load under way");
        server.Broker.SetDown();
        var downAt = load.Elapsed;
        TimeSpan upAt;
        try
        {
            await Eventually.UntilAsync(() => load.Answers.Count(a => a.SentAt >= downAt && a.Status == HttpStatusCode.ServiceUnavailable) >= 12,
                timeLimit, "messages refused while the broker is down");
        }
        finally
        {
            upAt = load.Elapsed;
            server.Broker.SetUp();
        }
        var acceptedWhenUp = load.AcceptedCount;
        await Eventually.UntilAsync(() => load.AcceptedCount >= acceptedWhenUp + 40, timeLimit, "messages accepted again after the broker is back");
        await load.StopAsync();

        var answers = load.Answers.ToList();
        // Sent and answered while the broker was down: it never had them, and the answer said so in time.
        var whileDown = answers.Where(a => a.SentAt >= downAt && a.SentAt + a.Took <= upAt).ToList();
        Assert.NotEmpty(whileDown);
        Assert.All(whileDown, a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.Status));
        var refused = answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.All(refused, a => Assert.True(a.RetryAfter > TimeSpan.Zero, $"the 503 of {a.MessageId} carries Retry-After"));
        // Loosely: the produce timeout, plus librdkafka's once-a-second scan for timed-out messages, plus a busy machine.
        Assert.All(refused, a => Assert.True(a.Took < ProduceTimeout + TimeSpan.FromSeconds(2.5), $"{a.MessageId} refused after {a.Took.TotalSeconds:0.0} s"));
        Assert.Contains(answers, a => a.SentAt > upAt && a.Status == HttpStatusCode.Accepted);

        foreach (var conversation in conversations)
            await Eventually.UntilAsync(async () => load.ProblemWith(conversation, await TextsAsync(alice, conversation)), problem => problem is null, timeLimit,
                $"every accepted message of {conversation} stored once, in send order");
        // A refusal sent while the broker was down never reached it. (One in flight at the moment it went down may
        // have: the broker appended it and its answer was lost. Refused all the same, its retry below is a duplicate.)
        var stored = (await Task.WhenAll(conversations.Select(c => TextsAsync(alice, c)))).SelectMany(t => t).ToHashSet();
        Assert.DoesNotContain(whileDown, a => stored.Contains(a.MessageId));

        // The client does as the 503 says: the same request again, same message_id. Each is then stored once.
        foreach (var retry in refused)
            await ApiClient.ExpectAsync(await load.SendOneAsync(retry.Conversation, retry.MessageId), HttpStatusCode.Accepted);
        foreach (var conversation in conversations)
        {
            var expected = answers.Where(a => a.Conversation == conversation && a.Status is HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable)
                .Select(a => a.MessageId).Order().ToList();
            await Eventually.UntilAsync(async () => (await TextsAsync(alice, conversation)).Order().ToList(), texts => texts.SequenceEqual(expected), timeLimit,
                $"each message of {conversation}, accepted or refused and retried, stored exactly once");
        }
    }

    private static async Task<List<string>> TextsAsync(ApiClient reader, string conversation) =>
        (await reader.HistoryAsync(conversation))
        .Where(m => m["payload"]!["type"]!.GetValue<string>() == "text")
        .Select(m => m["payload"]!["text"]!.GetValue<string>())
        .ToList();
}
