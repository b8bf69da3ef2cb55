using Chat.Shared;

namespace Chat.Storage.Tests;

// The message store's statuses: the outbox, the status view, receipts, what is pending and where replies go.
public abstract partial class MessageStoreContract
{
    private static MessageToStore MessageTo(string id, string conversation, params Delivery[] deliveries) => new(
        new NewMessage(id, conversation, "alice", [.. deliveries.Select(d => d.Recipient).Distinct()], [.. deliveries.Select(d => d.Channel).Distinct()],
            new MessagePayload("text", id, null), At),
        deliveries);

    private static Delivery Sent(string recipient, string channel = "app") => new(recipient, channel, MessageStatus.Sent);

    private static Receipt Delivered(string conversation, string messageId, string recipient = "bob", string channel = "app") =>
        new(MessageStatus.Delivered, recipient, channel, conversation, messageId, null, At);

    [SkippableFact]
    public async Task The_outbox_gives_changes_recorded_before_a_time_oldest_first_up_to_the_limit()
    {
        var a = await GroupAsync("a");
        var beforeStoring = DateTimeOffset.UtcNow;
        await Store.StoreAsync([MessageTo("m1", a, Sent("bob"), Sent("carol")), MessageTo("m2", a, Sent("bob"))]);
        var afterStoring = DateTimeOffset.UtcNow.AddSeconds(1);

        Assert.Empty(await Store.UnpublishedStatusChangesAsync(beforeStoring, 10));
        Assert.Equal([("m1", "bob"), ("m1", "carol"), ("m2", "bob")],
            (await Store.UnpublishedStatusChangesAsync(afterStoring, 10)).Select(c => (c.MessageId, c.Recipient!)));
        Assert.Equal([("m1", "bob"), ("m1", "carol")], (await Store.UnpublishedStatusChangesAsync(afterStoring, 2)).Select(c => (c.MessageId, c.Recipient!)));
    }

    [SkippableFact]
    public async Task Marking_changes_published_takes_only_those_out_of_the_outbox()
    {
        var a = await GroupAsync("a");
        await Store.StoreAsync([MessageTo("m1", a, Sent("bob"), Sent("carol")), MessageTo("m2", a, Sent("bob"))]);
        var changes = await Store.UnpublishedStatusChangesAsync(DateTimeOffset.MaxValue, 10);

        await Store.MarkPublishedAsync([]);
        Assert.Equal(3, (await Store.UnpublishedStatusChangesAsync(DateTimeOffset.MaxValue, 10)).Count);
        await Store.MarkPublishedAsync([changes[1].Id]);
        Assert.Equal([changes[0], changes[2]], await Store.UnpublishedStatusChangesAsync(DateTimeOffset.MaxValue, 10));
    }

    [SkippableFact]
    public async Task A_status_view_has_every_recipient_and_channel_and_the_least_advanced_status()
    {
        var a = await GroupAsync("a");
        await Store.StoreAsync([MessageTo("m", a, Sent("bob"), new Delivery("bob", "telegram", MessageStatus.Failed, "no telegram mapping"), Sent("carol"))]);

        var view = await Store.GetStatusAsync("m");
        Assert.NotNull(view);
        Assert.Equal(("m", a, 1L), (view.Message.MessageId, view.Message.ConversationId, view.Message.SequenceNumber));
        Assert.Equal("sent", view.Status);
        Assert.Equal([("bob", "app", "sent"), ("bob", "telegram", "failed"), ("carol", "app", "sent")], view.Recipients.Select(r => (r.Username, r.Channel, r.Status)));
        Assert.Equal<(string, string?, string?, string?)>(
            [("accepted", null, null, null), ("sent", "bob", "app", null), ("failed", "bob", "telegram", "no telegram mapping"), ("sent", "carol", "app", null)],
            view.History.Select(h => (h.Status, h.Recipient, h.Channel, h.Detail)));

        await Store.ApplyReceiptsAsync([Delivered(a, "m"), Delivered(a, "m", "carol")]);
        Assert.Equal("delivered", (await Store.GetStatusAsync("m"))!.Status);
        await Store.ApplyReceiptsAsync([Delivered(a, "m") with { Status = MessageStatus.Read }]);
        Assert.Equal("delivered", (await Store.GetStatusAsync("m"))!.Status); // carol has not read it yet
    }

    [SkippableFact]
    public async Task A_failed_receipt_ends_only_what_was_not_delivered_and_a_later_delivery_revives_it()
    {
        var a = await GroupAsync("a");
        await Store.StoreAsync([Message("1", a), Message("2", a)]);
        await Store.ApplyReceiptsAsync([Delivered(a, "1")]);

        var failed = await Store.ApplyReceiptsAsync([
            new Receipt(MessageStatus.Failed, "bob", "app", a, "1", null, At, "gave up"), new Receipt(MessageStatus.Failed, "bob", "app", a, "2", null, At, "gave up")]);
        Assert.Equal([("2", "failed", "gave up")], failed.Select(c => (c.MessageId, c.Status, c.Detail!)));

        var revived = Assert.Single(await Store.ApplyReceiptsAsync([Delivered(a, "2")]));
        Assert.Equal(("2", a, 2L, "alice", "delivered", "bob", "app", At),
            (revived.MessageId, revived.ConversationId, revived.SequenceNumber, revived.From, revived.Status, revived.Recipient, revived.Channel, revived.At));
        Assert.Contains(revived, await Store.UnpublishedStatusChangesAsync(DateTimeOffset.MaxValue, 100));
        Assert.Equal("delivered", (await Store.GetStatusAsync("1"))!.Status);
        Assert.Equal("delivered", (await Store.GetStatusAsync("2"))!.Status);

        // A receipt moves only its own recipient on its own channel.
        Assert.Empty(await Store.ApplyReceiptsAsync([
            new Receipt(MessageStatus.Read, "bob", "telegram", a, "1", null, At), new Receipt(MessageStatus.Read, "carol", "app", a, null, 2, At)]));
    }

    [SkippableFact]
    public async Task Pending_messages_come_per_conversation_in_sequence_order_up_to_the_limit()
    {
        var a = await GroupAsync("a");
        var b = await GroupAsync("b");
        await Store.StoreAsync([Message("b1", b), Message("a1", a), Message("b2", b), Message("a2", a), MessageTo("a3", a, Sent("bob", "telegram"))]);

        Assert.Equal(["a1", "a2", "b1", "b2"], (await Store.PendingForAsync("bob", "app", 10)).Select(m => m.MessageId));
        Assert.Equal(["a1", "a2", "b1"], (await Store.PendingForAsync("bob", "app", 3)).Select(m => m.MessageId));
        Assert.Equal(["a3"], (await Store.PendingForAsync("bob", "telegram", 10)).Select(m => m.MessageId));
        await Store.ApplyReceiptsAsync([Delivered(a, "a1")]);
        Assert.Equal(["a2", "b1", "b2"], (await Store.PendingForAsync("bob", "app", 10)).Select(m => m.MessageId));
        Assert.Empty(await Store.PendingForAsync("carol", "app", 10));
    }

    [SkippableFact]
    public async Task Replies_on_a_channel_belong_to_the_conversation_of_the_newest_message_sent_there()
    {
        var a = await GroupAsync("a");
        var b = await GroupAsync("b");
        var c = await GroupAsync("c");
        // One batch each: a batch's messages share one stored-at time.
        await Store.StoreAsync([MessageTo("1", a, Sent("bob", "telegram"))]);
        await Store.StoreAsync([MessageTo("2", b, Sent("bob", "telegram"))]);
        await Store.StoreAsync([MessageTo("3", c, Sent("bob"))]);

        Assert.Equal(b, await Store.LastConversationOnChannelAsync("bob", "telegram"));
        Assert.Equal(c, await Store.LastConversationOnChannelAsync("bob", "app"));
        Assert.Null(await Store.LastConversationOnChannelAsync("carol", "telegram"));
        await Store.StoreAsync([MessageTo("4", a, Sent("bob", "telegram"))]);
        Assert.Equal(a, await Store.LastConversationOnChannelAsync("bob", "telegram"));
    }
}
