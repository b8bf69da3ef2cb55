using Chat.Shared;
using Chat.Storage;

namespace Chat.Storage.Tests;

// Read cursors and unread counters (issue 16).
public abstract partial class MessageStoreContract
{
    private static MessageToStore To(string id, string conversation, string from, string[] to, string type = "text") => new(
        new NewMessage(id, conversation, from, to, ["app"], new MessagePayload(type, id, null), DateTimeOffset.UtcNow),
        to.Select(u => new Delivery(u, "app", MessageStatus.Sent)).ToList());

    [SkippableFact]
    public async Task Unread_counts_what_was_addressed_to_a_member_by_others_and_not_system_messages()
    {
        var a = await GroupAsync("a");
        await Store.StoreAsync([
            To("1", a, "alice", ["bob", "carol"]), To("2", a, "alice", ["bob"]), To("3", a, "bob", ["alice", "carol"]),
            To("4", a, "alice", ["bob", "carol"], UnreadRules.SystemPayload), To("5", a, "alice", ["alice", "bob"]),
        ]);

        Assert.Equal([("a", 3L)], (await Store.UnreadOfAsync("bob")).Select(r => (r.ConversationId, r.UnreadCount)));
        Assert.Equal([("a", 2L)], (await Store.UnreadOfAsync("carol")).Select(r => (r.ConversationId, r.UnreadCount)));
        Assert.Equal([("a", 1L)], (await Store.UnreadOfAsync("alice")).Select(r => (r.ConversationId, r.UnreadCount)));
    }

    [SkippableFact]
    public async Task A_read_cursor_moves_only_forward_and_never_past_the_last_message()
    {
        var a = await GroupAsync("a");
        await Store.StoreAsync([.. Enumerable.Range(1, 7).Select(i => To($"m{i}", a, "alice", ["bob"]))]);

        var moved = await Store.MoveReadCursorsAsync([new ReadCursorMove(a, "bob", 5)]);
        Assert.Equal([new ReadState(a, "bob", 5, 2)], moved);
        Assert.Empty(await Store.MoveReadCursorsAsync([new ReadCursorMove(a, "bob", 3)]));
        Assert.Equal([new ReadState(a, "bob", 7, 0)], await Store.MoveReadCursorsAsync([new ReadCursorMove(a, "bob", 99)]));
        Assert.Empty(await Store.UnreadOfAsync("bob"));

        await Store.StoreAsync([To("m8", a, "alice", ["bob"])]);
        Assert.Equal([new ReadState(a, "bob", 7, 1)], await Store.UnreadOfAsync("bob"));
    }

    [SkippableFact]
    public async Task Mark_unread_moves_a_cursor_only_back_and_counts_the_messages_above_it_again()
    {
        var a = await GroupAsync("a");
        await Store.StoreAsync([.. Enumerable.Range(1, 5).Select(i => To($"m{i}", a, "alice", ["bob"]))]);
        await Store.MoveReadCursorsAsync([new ReadCursorMove(a, "bob", 5)]);

        Assert.Equal([new ReadState(a, "bob", 2, 3)], await Store.MoveReadCursorsAsync([new ReadCursorMove(a, "bob", 2, Back: true)]));
        Assert.Empty(await Store.MoveReadCursorsAsync([new ReadCursorMove(a, "bob", 4, Back: true)]));
        Assert.Equal([new ReadState(a, "bob", 2, 3)], await Store.UnreadOfAsync("bob"));
        // In one batch, in order: read on, then back to the start.
        Assert.Equal([new ReadState(a, "bob", 0, 5)],
            await Store.MoveReadCursorsAsync([new ReadCursorMove(a, "bob", 4), new ReadCursorMove(a, "bob", 0, Back: true)]));
    }

    [SkippableFact]
    public async Task Private_read_mode_is_per_user_and_can_be_turned_off()
    {
        await Store.SetPrivateReadsAsync("bob", true);
        await Store.SetPrivateReadsAsync("bob", true);
        await Store.SetPrivateReadsAsync("carol", true);
        Assert.Equal(["bob", "carol"], (await Store.PrivateReadersAsync(["alice", "bob", "carol"])).Order());
        await Store.SetPrivateReadsAsync("carol", false);
        Assert.Equal(["bob"], await Store.PrivateReadersAsync(["bob", "carol"]));
        Assert.Empty(await Store.PrivateReadersAsync([]));
    }

    [SkippableFact]
    public async Task A_conversation_keeps_its_epoch_until_its_history_is_rebuilt()
    {
        var a = await GroupAsync("a");
        var b = await GroupAsync("b");
        var first = await Store.EpochOfAsync(a);
        Assert.True(first is not null && Epochs.IsWellFormed(first), first);
        await Store.StoreAsync([To("m1", a, "alice", ["bob"])]);
        Assert.Equal(first, await Store.EpochOfAsync(a));
        Assert.NotEqual(first, await Store.EpochOfAsync(b));

        var renewed = await Store.RenewEpochAsync(a);
        Assert.NotEqual(first, renewed);
        Assert.Equal(renewed, await Store.EpochOfAsync(a));
        Assert.Null(await Store.RenewEpochAsync("no-such-conversation"));
        Assert.Null(await Store.EpochOfAsync("no-such-conversation"));
    }

    [SkippableFact]
    public async Task A_restore_renews_every_epoch_once_per_restore_id()
    {
        var a = await GroupAsync("a");
        var b = await GroupAsync("b");
        var before = (await Store.EpochOfAsync(a), await Store.EpochOfAsync(b));

        Assert.True(await Store.RenewEpochsAfterRestoreAsync("backup-1"));
        var after = (await Store.EpochOfAsync(a), await Store.EpochOfAsync(b));
        Assert.NotEqual(before.Item1, after.Item1);
        Assert.NotEqual(before.Item2, after.Item2);
        Assert.True(after.Item1 is not null && Epochs.IsWellFormed(after.Item1), after.Item1);

        // The same restore again (a restart with the setting left on) renews nothing; another restore does.
        Assert.False(await Store.RenewEpochsAfterRestoreAsync("backup-1"));
        Assert.Equal(after, (await Store.EpochOfAsync(a), await Store.EpochOfAsync(b)));
        Assert.True(await Store.RenewEpochsAfterRestoreAsync("backup-2"));
        Assert.NotEqual(after.Item1, await Store.EpochOfAsync(a));
    }

    [SkippableFact]
    public async Task Conversations_by_activity_show_the_newest_message_and_the_read_state()
    {
        foreach (var id in new[] { "c1", "c2", "c3" }) await GroupAsync(id);
        await Store.StoreAsync([To("old", "c1", "alice", ["bob"])]);
        await Store.StoreAsync([To("new", "c2", "carol", ["bob"])]);

        var first = await Store.ListByActivityAsync("bob", null, 2);
        Assert.Equal(["c2", "c1"], first.Select(c => c.Conversation.ConversationId));
        Assert.Equal(("new", "carol", "new"), (first[0].LastMessage!.MessageId, first[0].LastMessage!.From, first[0].LastMessage!.Preview));
        Assert.Equal(1L, first[0].Read.UnreadCount);
        var rest = await Store.ListByActivityAsync("bob", first[^1].Cursor, 2);
        Assert.Equal(["c3"], rest.Select(c => c.Conversation.ConversationId));
        Assert.Null(rest[0].LastMessage);
        Assert.Equal(0L, rest[0].Read.UnreadCount);
        Assert.Equal("c1", (await Store.FindActivityAsync("c1", "bob"))!.Conversation.ConversationId);
        Assert.Null(await Store.FindActivityAsync("c1", "dave"));
    }
}
