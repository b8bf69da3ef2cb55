using Chat.Shared;
using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Chat.Storage;

namespace Chat.Router.Tests;

/// <summary>The Router against each kind of broker (one subclass per kind, at the end of this file).</summary>
public abstract class RouterTests(TestBrokerKind broker)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    /// <summary>Each conversation holds exactly the texts produced for it, in produced order, numbered 1..n.</summary>
    private static void AssertExactlyOnceInOrder(Dictionary<string, IReadOnlyList<StoredMessage>> stored, Dictionary<string, List<string>> produced)
    {
        foreach (var (conversation, texts) in produced)
        {
            var messages = stored[conversation];
            Assert.Equal(texts, messages.Select(m => m.Payload.Text));
            Assert.Equal(Enumerable.Range(1, texts.Count).Select(i => (long)i), messages.Select(m => m.SequenceNumber));
        }
    }

    [SkippableFact]
    public async Task A_router_stopped_mid_stream_and_started_again_stores_every_message_once_in_order()
    {
        await using var world = await RouterWorld.StartAsync(broker, conversations: 10);
        const int total = 4000;
        var produced = world.Conversations.ToDictionary(c => c, _ => new List<string>());
        var first = await world.StartRouterAsync();

        var producing = Task.Run(async () =>
        {
            for (var i = 0; i < total; i += 100)
            {
                var batch = Enumerable.Range(i, 100).Select(n => RouterWorld.Message($"m{n}", world.Conversations[n % 10], $"text {n}")).ToList();
                foreach (var e in batch) produced[e.ConversationId].Add(e.Payload.Text);
                // Every tenth message is sent twice, as a client retrying after a timeout would.
                await Task.WhenAll(batch.Select(world.ProduceAsync).Concat(batch.Where((_, k) => k % 10 == 0).Select(world.ProduceAsync)));
                await Task.Delay(25); // pacing the producer, not synchronising: the router runs while messages keep coming
            }
        });
        var atStop = await Eventually.UntilAsync(world.StoredCountAsync, n => n >= 1000, Deadline, "the first router to store 1000 messages");
        await first.DisposeAsync();
        Assert.True(atStop < total, $"the router was stopped mid-stream ({atStop} of {total} stored)");

        await using var second = await world.StartRouterAsync();
        await producing;
        await Eventually.UntilAsync(world.StoredCountAsync, n => n >= total, Deadline, $"all {total} messages stored");

        Assert.True(second.Worker.RecordsProcessed > 0, "the restarted router did part of the work");
        AssertExactlyOnceInOrder(await world.StoredAsync(), produced);
    }

    [SkippableFact]
    public async Task Two_routers_in_one_group_share_16_partitions_and_store_5000_messages_across_100_conversations_in_order()
    {
        await using var world = await RouterWorld.StartAsync(broker, conversations: 100);
        await using var a = await world.StartRouterAsync();
        await using var b = await world.StartRouterAsync();
        await Eventually.UntilAsync(() => a.Worker.Assignment.Count > 0 && b.Worker.Assignment.Count > 0
                                          && a.Worker.Assignment.Count + b.Worker.Assignment.Count == 16,
            Deadline, "both routers to hold partitions, 16 in all");

        var produced = world.Conversations.ToDictionary(c => c, _ => new List<string>());
        var events = Enumerable.Range(0, 5000).Select(n => RouterWorld.Message($"m{n}", world.Conversations[n % 100], $"text {n}")).ToList();
        foreach (var e in events) produced[e.ConversationId].Add(e.Payload.Text);
        await Task.WhenAll(events.Select(world.ProduceAsync));
        await Eventually.UntilAsync(world.StoredCountAsync, n => n >= 5000, Deadline, "all 5000 messages stored");

        Assert.True(a.Worker.RecordsProcessed > 0 && b.Worker.RecordsProcessed > 0,
            $"both routers did work: {a.Worker.RecordsProcessed} and {b.Worker.RecordsProcessed}");
        AssertExactlyOnceInOrder(await world.StoredAsync(), produced);
    }

    [SkippableFact]
    public async Task Records_that_can_never_be_stored_go_to_the_dead_letter_topic_and_the_router_carries_on()
    {
        await using var world = await RouterWorld.StartAsync(broker, conversations: 1);
        await using var router = await world.StartRouterAsync();
        var conversation = world.Conversations[0];

        await world.ProduceRawAsync(conversation, [0xFF, 0xFF, 0xFF]);
        await world.ProduceAsync(new MessageEvent { MessageId = "no-fields", ConversationId = conversation });
        await world.ProduceAsync(RouterWorld.Message("lost", "no-such-conversation", "nowhere"));
        await world.ProduceAsync(RouterWorld.Message("fine", conversation, "after the poison"));

        var stored = await Eventually.UntilAsync(world.StoredAsync, s => s[conversation].Count == 1, Deadline, "the good message stored");
        Assert.Equal("fine", stored[conversation][0].MessageId);
        var letters = await Eventually.UntilAsync(
            () => Task.FromResult(KafkaProbe.ReadAll(world.Broker.BootstrapServers, Topics.DeadLetters).Select(r => DeadLetter.Parser.ParseFrom(r.Message.Value)).ToList()),
            l => l.Count >= 3, Deadline, "three dead letters");
        Assert.Collection(letters.OrderBy(l => l.SourceOffset),
            l => Assert.Contains("protobuf does not parse", l.Reason),
            l => Assert.Contains("without", l.Reason),
            l => Assert.Contains("no-such-conversation", l.Reason));
        Assert.All(letters, l => Assert.Equal(Topics.Messages, l.SourceTopic));
    }

    [SkippableFact]
    public async Task Two_messages_racing_with_one_id_store_one_and_tell_the_other_sender_it_failed()
    {
        await using var world = await RouterWorld.StartAsync(broker, conversations: 2);
        await using var router = await world.StartRouterAsync();
        // As two Frontends would accept them, neither seeing the other: alice in one conversation, bob in another.
        var fromAlice = RouterWorld.Message("race-1", world.Conversations[0], "alice's");
        var fromBob = RouterWorld.Message("race-1", world.Conversations[1], "bob's");
        fromBob.From = "bob";
        fromBob.To.Clear();
        fromBob.To.Add("alice");
        await Task.WhenAll(world.ProduceAsync(fromAlice), world.ProduceAsync(fromBob));

        var failed = await Eventually.UntilAsync(
            () => Task.FromResult(KafkaProbe.ReadAll(world.Broker.BootstrapServers, Topics.Status).Select(r => StatusEvent.Parser.ParseFrom(r.Message.Value))
                .Where(e => e.Status == MessageStatus.Failed).ToList()),
            e => e.Count >= 1, Deadline, "a failed status event for the later message");
        var stored = (await world.Store.GetStatusAsync("race-1"))!.Message;
        var loser = stored.From == "alice" ? fromBob : fromAlice;
        Assert.Equal(1, await world.StoredCountAsync());
        var e = Assert.Single(failed);
        Assert.Equal(("race-1", loser.From, loser.ConversationId, loser.To[0], "app"), (e.MessageId, e.From, e.ConversationId, e.Recipient, e.Channel));
        Assert.Contains("already taken", e.Detail);
        Assert.Equal(stored.From == "alice" ? "alice's" : "bob's", stored.Payload.Text);
    }

    [SkippableFact]
    public async Task Membership_is_decided_in_partition_order_a_racing_change_is_refused_and_a_removed_sender_fails()
    {
        await using var world = await RouterWorld.StartAsync(broker, conversations: 1);
        await using var router = await world.StartRouterAsync();
        var group = world.Conversations[0];
        ConversationEvent Change(string id, string kind, string target) => ConversationEvents.Of(id, group, new ConversationChange
        {
            Kind = kind, Actor = "alice", Target = target, AcceptedAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow),
        });
        async Task ProduceChangeAsync(ConversationEvent e) =>
            await world.ProduceRawAsync(group, Google.Protobuf.MessageExtensions.ToByteArray(e), EventTypes.ConversationChange);
        // As two Frontends would accept them, each before the Router applied the other: one partition, this order.
        await ProduceChangeAsync(Change("add-carol", ChangeKinds.MemberAdded, "carol"));
        var toEveryone = RouterWorld.Message("to-everyone", group, "hello all");
        toEveryone.ToEveryone = true;
        await world.ProduceAsync(toEveryone);
        await ProduceChangeAsync(Change("remove-bob-1", ChangeKinds.MemberRemoved, "bob"));
        await ProduceChangeAsync(Change("remove-bob-2", ChangeKinds.MemberRemoved, "bob"));
        var fromBob = RouterWorld.Message("from-bob", group, "too late");
        fromBob.From = "bob";
        fromBob.To.Clear();
        fromBob.To.Add("alice");
        await world.ProduceAsync(fromBob);

        var outcomes = await Eventually.UntilAsync(
            () => Task.FromResult(KafkaProbe.ReadAll(world.Broker.BootstrapServers, Topics.Conversations).Select(r => ConversationUpdated.Parser.ParseFrom(r.Message.Value)).ToList()),
            e => e.Count >= 3, Deadline, "three decided changes on chat.conversations");
        Assert.Equal([("add-carol", "applied"), ("remove-bob-1", "applied"), ("remove-bob-2", "refused")],
            outcomes.Select(o => (o.EventId, o.Status)).OrderBy(o => o.EventId));
        Assert.Contains("not a member", outcomes.Single(o => o.Status == "refused").Detail);
        Assert.Equal(["alice", "carol"], outcomes.Single(o => o.EventId == "remove-bob-1").Members.Order());

        var failed = await Eventually.UntilAsync(
            () => Task.FromResult(KafkaProbe.ReadAll(world.Broker.BootstrapServers, Topics.Status).Select(r => StatusEvent.Parser.ParseFrom(r.Message.Value))
                .Where(e => e.MessageId == "from-bob").ToList()),
            e => e.Count >= 1, Deadline, "bob's late message failed");
        Assert.Equal(MessageStatus.Failed, Assert.Single(failed).Status);
        var stored = await world.Store.GetMessagesAsync(group, 0, 100);
        Assert.Equal(["add-carol", "to-everyone", "remove-bob-1"], stored.Select(m => m.MessageId));
        // Left out, "to" is every member where the message stands: carol, added just before it, too.
        Assert.Equal(["bob", "carol"], stored[1].To.Order());
    }

    [SkippableFact]
    public async Task Each_recipient_and_channel_gets_a_status_and_one_event_on_chat_status()
    {
        await using var world = await RouterWorld.StartAsync(broker, conversations: 1);
        await using var router = await world.StartRouterAsync();
        await world.ProduceAsync(RouterWorld.Message("multi", world.Conversations[0], "hello", "app", "telegram"));

        var status = await Eventually.UntilAsync(() => world.Store.GetStatusAsync("multi"), s => s is not null, Deadline, "the message stored");
        Assert.Equal([("bob", "app", "sent"), ("bob", "telegram", "failed")],
            status!.Recipients.Select(r => (r.Username, r.Channel, r.Status)));
        Assert.Contains(status.History, h => h is { Channel: "telegram", Status: "failed", Detail: not null });

        var events = await Eventually.UntilAsync(
            () => Task.FromResult(KafkaProbe.ReadAll(world.Broker.BootstrapServers, Topics.Status).Select(r => StatusEvent.Parser.ParseFrom(r.Message.Value)).ToList()),
            e => e.Count >= 2, Deadline, "two status events");
        Assert.Equal(["multi/bob/app/sent", "multi/bob/telegram/failed"], events.Select(e => e.EventId).Order());
        // Marked published right after the broker acknowledged them.
        await Eventually.UntilAsync(() => world.Store.UnpublishedStatusChangesAsync(DateTimeOffset.MaxValue, 100), c => c.Count == 0, Deadline, "the outbox emptied");
    }

    [SkippableFact]
    public async Task A_store_outage_longer_than_the_poll_interval_keeps_the_router_in_its_group_and_it_resumes_where_it_was()
    {
        await using var world = await RouterWorld.StartAsync(broker, conversations: 10);
        await using var router = await world.StartRouterAsync(new Dictionary<string, string?> { ["Kafka:MaxPollIntervalMs"] = "3000" });
        var produced = world.Conversations.ToDictionary(c => c, _ => new List<string>());
        async Task ProduceAsync(int from, int count)
        {
            foreach (var n in Enumerable.Range(from, count))
            {
                var e = RouterWorld.Message($"outage-{n}", world.Conversations[n % 10], $"text {n}");
                produced[e.ConversationId].Add(e.Payload.Text);
                await world.ProduceAsync(e);
            }
        }
        await ProduceAsync(0, 200);
        await Eventually.UntilAsync(world.StoredCountAsync, n => n >= 200, Deadline, "200 messages stored before the outage");
        var held = router.Worker.Assignment.Count;
        var takenAway = router.Worker.PartitionsTakenAway;

        // The outage: another connection holds messages.db's write lock, so every store call waits on it.
        using (var outage = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(world.DataDir, "messages.db")}"))
        {
            outage.Open();
            using var writeLock = outage.BeginTransaction(deferred: false);
            await ProduceAsync(200, 200);
            await Task.Delay(TimeSpan.FromSeconds(8)); // the outage's length: well past max.poll.interval.ms (3 s), not a synchronisation
            Assert.Equal(200, await world.StoredCountAsync());
            writeLock.Rollback();
        }

        await Eventually.UntilAsync(world.StoredCountAsync, n => n >= 400, Deadline, "all 400 stored after the outage");
        Assert.Equal(takenAway, router.Worker.PartitionsTakenAway);
        Assert.Equal(held, router.Worker.Assignment.Count);
        AssertExactlyOnceInOrder(await world.StoredAsync(), produced);
    }

    [SkippableFact]
    public async Task Status_changes_a_crash_left_unpublished_are_published_by_the_sweep()
    {
        await using var world = await RouterWorld.StartAsync(broker, conversations: 1);
        // What a router that crashed between its store commit and its publish leaves behind.
        var orphan = new NewMessage("orphan", world.Conversations[0], "alice", ["bob"], ["app"], new MessagePayload("text", "left behind", null), DateTimeOffset.UtcNow);
        await world.Store.StoreAsync([new MessageToStore(orphan, [new Delivery("bob", "app", MessageStatus.Sent)])]);

        await using var router = await world.StartRouterAsync();
        var events = await Eventually.UntilAsync(
            () => Task.FromResult(KafkaProbe.ReadAll(world.Broker.BootstrapServers, Topics.Status).Select(r => StatusEvent.Parser.ParseFrom(r.Message.Value)).ToList()),
            e => e.Count >= 1, Deadline, "the orphaned status change on chat.status");
        Assert.Equal("orphan/bob/app/sent", Assert.Single(events).EventId);
        await Eventually.UntilAsync(() => world.Store.UnpublishedStatusChangesAsync(DateTimeOffset.MaxValue, 10), c => c.Count == 0, Deadline, "the change marked published");
    }
}

/// <summary>librdkafka's mock cluster, as embedded mode runs: everywhere.</summary>
public sealed class RouterOnEmbeddedBrokerTests() : RouterTests(new EmbeddedBrokerKind());

/// <summary>Apache Kafka (KRaft) under Testcontainers, as distributed mode runs: where a Docker engine exists, else skipped with the reason.</summary>
public sealed class RouterOnApacheKafkaTests() : RouterTests(new ApacheKafkaKind());
