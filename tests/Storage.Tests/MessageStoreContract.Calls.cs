using Chat.Shared;

namespace Chat.Storage.Tests;

public abstract partial class MessageStoreContract
{
    [SkippableFact]
    public async Task A_calls_system_message_is_stored_once_with_the_call_and_its_deliveries_born_published()
    {
        var a = await GroupAsync("calls");
        var call = new CallSummary("call-1", "video", "completed", ["alice", "bob", "carol"], ["alice", "bob"], At, At.AddSeconds(4), At.AddSeconds(64));
        var message = CallMessages.Of(a, "alice", call);
        MessageToStore ToStore() => new(message, message.To.Select(u => new Delivery(u, Channels.App, MessageStatus.Sent)).ToList());

        var first = (await Store.StoreAsync([ToStore()]))[0];
        var again = await Store.StoreAsync([ToStore(), ToStore()]);

        Assert.Equal((StoreOutcome.Stored, 1L), (first.Outcome, first.SequenceNumber));
        Assert.Empty(first.Changes ?? []);
        Assert.All(again, r => Assert.Equal((StoreOutcome.Duplicate, 1L), (r.Outcome, r.SequenceNumber)));
        Assert.Equal(CallMessages.MessageIdOf("call-1"), Assert.Single(await Store.GetMessagesAsync(a, 0, 10)).MessageId);
        var stored = (await Store.FindMessageAsync(message.MessageId))!.Payload;
        Assert.Equal((MessagePayload.SystemType, CallMessages.Ended, "alice"), (stored.Type, stored.System!.Event, stored.System.Actor));
        var recorded = stored.System.Call!;
        Assert.Equal((call.CallId, call.Media, call.Outcome, call.StartedAt, call.AnsweredAt, call.EndedAt),
            (recorded.CallId, recorded.Media, recorded.Outcome, recorded.StartedAt, recorded.AnsweredAt, recorded.EndedAt));
        Assert.Equal(call.Participants, recorded.Participants);
        Assert.Equal(call.Joined, recorded.Joined);
        // Born published: nothing of it waits in the outbox for chat.status.
        Assert.DoesNotContain(await Store.UnpublishedStatusChangesAsync(DateTimeOffset.MaxValue, 100), c => c.MessageId == message.MessageId);
    }
}
