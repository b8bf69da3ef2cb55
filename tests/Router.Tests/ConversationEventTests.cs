using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Chat.Storage;
using Google.Protobuf;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Chat.Router.Tests;

/// <summary>chat.messages is read by each record's event type: a type or case the Router does not know is dead-lettered, never read as a message.</summary>
public abstract class ConversationEventTests(TestBrokerKind broker)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [SkippableFact]
    public async Task A_record_of_an_unknown_event_type_goes_to_the_dead_letter_topic_and_no_message_is_stored_from_it()
    {
        await using var world = await RouterWorld.StartAsync(broker, conversations: 1);
        await using var router = await world.StartRouterAsync();
        var conversation = world.Conversations[0];

        // Each would be a perfectly good message if its bytes were read as one.
        var envelope = ConversationEvents.Of(RouterWorld.Message("edited", conversation, "an envelope of a type to come"));
        await world.ProduceRawAsync(conversation, envelope.ToByteArray(), "chat.message.edited.v1");
        await world.ProduceRawAsync(conversation, RouterWorld.Message("bare", conversation, "a bare message of another type").ToByteArray(), "chat.reaction.v1");
        await world.ProduceAsync(RouterWorld.Message("fine", conversation, "after the strangers"));

        var stored = await Eventually.UntilAsync(world.StoredAsync, s => s[conversation].Count >= 1, Deadline, "the good message stored");
        var letters = await Eventually.UntilAsync(() => Task.FromResult(world.DeadLetters()), l => l.Count >= 2, Deadline, "two dead letters");
        Assert.Collection(letters.OrderBy(l => l.SourceOffset),
            l => Assert.Contains("unknown event type 'chat.message.edited.v1'", l.Reason),
            l => Assert.Contains("unknown event type 'chat.reaction.v1'", l.Reason));
        Assert.All(letters, l => Assert.Equal(Topics.Messages, l.SourceTopic));
        Assert.Equal("fine", Assert.Single(stored[conversation]).MessageId);
        Assert.Null(await world.Store.GetStatusAsync("edited"));
        Assert.Null(await world.Store.GetStatusAsync("bare"));
    }

    [SkippableFact]
    public async Task A_record_without_an_event_type_or_with_an_envelope_of_no_known_case_is_dead_lettered()
    {
        await using var world = await RouterWorld.StartAsync(broker, conversations: 1);
        await using var router = await world.StartRouterAsync();
        var conversation = world.Conversations[0];

        await world.ProduceRawAsync(conversation, RouterWorld.Message("untyped", conversation, "no ce_type").ToByteArray(), eventType: null);
        // What a later writer's new case looks like to this reader: a field it does not know (15; 11 to 13 are the change and call cases now), no case it does.
        var later = new ConversationEvent { EventId = "later", ConversationId = conversation }.ToByteArray()
            .Concat(new byte[] { 15 << 3 | 2, 0 }).ToArray();
        await world.ProduceRawAsync(conversation, later, EventTypes.Message);
        await world.ProduceAsync(RouterWorld.Message("fine", conversation, "after the strangers"));

        var stored = await Eventually.UntilAsync(world.StoredAsync, s => s[conversation].Count >= 1, Deadline, "the good message stored");
        var letters = await Eventually.UntilAsync(() => Task.FromResult(world.DeadLetters()), l => l.Count >= 2, Deadline, "two dead letters");
        Assert.Collection(letters.OrderBy(l => l.SourceOffset),
            l => Assert.Contains("no ce_type header", l.Reason),
            l => Assert.Contains("holding no event this code knows", l.Reason));
        Assert.Equal("fine", Assert.Single(stored[conversation]).MessageId);
        Assert.Null(await world.Store.GetStatusAsync("untyped"));
    }

    [SkippableFact]
    public async Task A_call_that_ended_is_stored_once_as_a_system_message_however_often_it_is_published()
    {
        await using var world = await RouterWorld.StartAsync(broker, conversations: 1);
        await using var router = await world.StartRouterAsync();
        var conversation = world.Conversations[0];
        var started = DateTimeOffset.UtcNow.AddMinutes(-2);
        CallEnded Call(string callId) => new()
        {
            CallId = callId, Caller = "alice", Media = "audio", Outcome = "completed", Participants = { "alice", "bob" }, Joined = { "alice", "bob" },
            StartedAt = Timestamp.FromDateTimeOffset(started), AnsweredAt = Timestamp.FromDateTimeOffset(started.AddSeconds(5)),
            EndedAt = Timestamp.FromDateTimeOffset(started.AddSeconds(65)),
        };
        var ended = ConversationEvents.Of(CallMessages.MessageIdOf("call-1"), conversation, Call("call-1"));

        await world.ProduceRawAsync(conversation, ended.ToByteArray(), EventTypes.CallEnded);
        await world.ProduceRawAsync(conversation, ended.ToByteArray(), EventTypes.CallEnded);
        // An id not derived from its call could be stored twice: refused.
        await world.ProduceRawAsync(conversation, ConversationEvents.Of("any-id", conversation, Call("call-2")).ToByteArray(), EventTypes.CallEnded);
        await world.ProduceAsync(RouterWorld.Message("after", conversation, "after the calls"));

        var stored = await Eventually.UntilAsync(world.StoredAsync, s => s[conversation].Count >= 2, Deadline, "the call and the message after it stored");
        Assert.Equal([CallMessages.MessageIdOf("call-1"), "after"], stored[conversation].Select(m => m.MessageId));
        var call = stored[conversation][0];
        Assert.Equal((1L, "system", "call.ended", "alice"), (call.SequenceNumber, call.Payload.Type, call.Payload.System!.Event, call.From));
        Assert.Equal(("call-1", 60.0), (call.Payload.System.Call!.CallId, (call.Payload.System.Call.EndedAt - call.Payload.System.Call.AnsweredAt!.Value).TotalSeconds));
        Assert.Contains("not the one derived from call 'call-2'", Assert.Single(world.DeadLetters()).Reason);
    }

    [SkippableFact]
    public async Task A_bare_message_written_before_the_envelope_under_its_old_type_is_still_stored()
    {
        await using var world = await RouterWorld.StartAsync(broker, conversations: 1);
        await using var router = await world.StartRouterAsync();
        var conversation = world.Conversations[0];

        await world.ProduceRawAsync(conversation, RouterWorld.Message("old", conversation, "from an older Frontend").ToByteArray(), EventTypes.LegacyMessageAccepted);

        var stored = await Eventually.UntilAsync(world.StoredAsync, s => s[conversation].Count >= 1, Deadline, "the old message stored");
        Assert.Equal(("old", "from an older Frontend"), (stored[conversation][0].MessageId, stored[conversation][0].Payload.Text));
        Assert.Empty(world.DeadLetters());
    }
}

/// <summary>librdkafka's mock cluster, as embedded mode runs: everywhere.</summary>
public sealed class ConversationEventsOnEmbeddedBrokerTests() : ConversationEventTests(new EmbeddedBrokerKind());

/// <summary>Apache Kafka (KRaft) under Testcontainers: where a Docker engine exists, else skipped with the reason.</summary>
public sealed class ConversationEventsOnApacheKafkaTests() : ConversationEventTests(new ApacheKafkaKind());
