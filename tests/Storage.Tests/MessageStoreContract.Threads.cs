using Chat.Shared;
using Chat.Storage;

namespace Chat.Storage.Tests;

// Threads and mentions (issue 25).
public abstract partial class MessageStoreContract
{
    private static MessageToStore Reply(string id, string conversation, string from, string? root, bool alsoToConversation = false, params string[] mentions) => new(
        new NewMessage(id, conversation, from, new[] { "alice", "bob", "carol" }.Where(u => u != from).ToList(), ["app"], new MessagePayload("text", id, null),
            DateTimeOffset.UtcNow, ThreadRoot: root, AlsoToConversation: alsoToConversation, Mentions: mentions.Length > 0 ? mentions : null),
        new[] { "alice", "bob", "carol" }.Where(u => u != from).Select(u => new Delivery(u, "app", MessageStatus.Sent)).ToList());

    private static IReadOnlyList<MemberInterval> Always(string member) => [new MemberInterval(member, Roles.Member, 0, null, DateTimeOffset.UtcNow)];

    [SkippableFact]
    public async Task A_thread_reply_counts_in_its_thread_and_on_its_root_but_not_in_the_conversation_unless_also_sent_there()
    {
        var a = await GroupAsync("a");
        await Store.StoreAsync([To("root", a, "alice", ["bob", "carol"])]);
        await Store.StoreAsync([Reply("r1", a, "carol", "root"), Reply("r2", a, "alice", "root"), Reply("r3", a, "carol", "root", alsoToConversation: true)]);

        var root = (await Store.FindMessageAsync("root"))!;
        Assert.Equal(3L, root.Thread!.ReplyCount);
        Assert.Equal(["carol", "alice"], root.Thread.Participants);
        Assert.Equal(("root", true), ((await Store.FindMessageAsync("r3"))!.ThreadRoot, (await Store.FindMessageAsync("r3"))!.AlsoToConversation));
        // bob: the root and the reply also sent to the conversation; in the thread, its three replies.
        Assert.Equal([("a", 2L)], (await Store.UnreadOfAsync("bob")).Select(r => (r.ConversationId, r.UnreadCount)));
        var bobs = (await Store.FindThreadAsync("root", "bob"))!;
        Assert.Equal((false, 3L, 4L), (bobs.Following, bobs.UnreadCount, bobs.LastReplySeq));
        // The author and the repliers follow; unread excludes one's own replies.
        var alices = (await Store.FindThreadAsync("root", "alice"))!;
        Assert.Equal((true, 2L), (alices.Following, alices.UnreadCount));
        Assert.Equal([new ConversationBadges(2, 0)], (await Store.BadgesAsync("alice", [a])).Values);
        Assert.Equal([new ConversationBadges(0, 0)], (await Store.BadgesAsync("bob", [a])).Values);
        Assert.Equal(["r1", "r2", "r3"], (await Store.GetThreadRepliesAsync("root", Always("bob"), null, null, 10)).Select(m => m.MessageId));
        Assert.Equal(["r2"], (await Store.GetThreadRepliesAsync("root", Always("bob"), null, 4, 1)).Select(m => m.MessageId));
    }

    [SkippableFact]
    public async Task A_thread_cursor_moves_only_forward_never_past_the_newest_reply_and_following_can_be_undone()
    {
        var a = await GroupAsync("a");
        await Store.StoreAsync([To("root", a, "alice", ["bob", "carol"])]);
        await Store.StoreAsync([Reply("r1", a, "carol", "root"), Reply("r2", a, "carol", "root")]);

        await Store.SetFollowingAsync("root", a, "bob", true);
        Assert.Equal([new ConversationBadges(2, 0)], (await Store.BadgesAsync("bob", [a])).Values);
        Assert.Equal([new ThreadReadState(a, "root", "bob", 2, 1)], await Store.MoveThreadCursorsAsync([new ThreadCursorMove(a, "root", "bob", 2)]));
        Assert.Empty(await Store.MoveThreadCursorsAsync([new ThreadCursorMove(a, "root", "bob", 1)]));
        Assert.Equal([new ThreadReadState(a, "root", "bob", 3, 0)], await Store.MoveThreadCursorsAsync([new ThreadCursorMove(a, "root", "bob", 99)]));
        // A thread read leaves the conversation's cursor where it was.
        Assert.Equal(0L, (await Store.FindActivityAsync(a, "bob"))!.Read.LastReadSeq);

        await Store.StoreAsync([Reply("r3", a, "carol", "root")]);
        await Store.SetFollowingAsync("root", a, "bob", false);
        Assert.Equal([new ConversationBadges(0, 0)], (await Store.BadgesAsync("bob", [a])).Values);
        Assert.Equal(1L, (await Store.FindThreadAsync("root", "bob"))!.UnreadCount);
        // Replying follows again.
        await Store.StoreAsync([Reply("r4", a, "bob", "root")]);
        Assert.True((await Store.FindThreadAsync("root", "bob"))!.Following);
    }

    [SkippableFact]
    public async Task Threads_are_listed_newest_reply_first_a_page_at_a_time_within_the_readers_stretches()
    {
        var a = await GroupAsync("a");
        await Store.StoreAsync([To("t1", a, "alice", ["bob", "carol"]), To("t2", a, "alice", ["bob", "carol"]), To("t3", a, "alice", ["bob", "carol"])]);
        await Store.StoreAsync([Reply("x1", a, "bob", "t1"), Reply("x2", a, "bob", "t2"), Reply("x3", a, "bob", "t1"), Reply("x4", a, "bob", "t3")]);

        var first = await Store.ListThreadsAsync(a, "carol", Always("carol"), null, 2);
        Assert.Equal(["t3", "t1"], first.Select(t => t.Root.MessageId));
        Assert.Equal(["t2"], (await Store.ListThreadsAsync(a, "carol", Always("carol"), first[^1].LastReplySeq, 2)).Select(t => t.Root.MessageId));
        // One who joined after the first two roots sees only the third thread.
        Assert.Equal(["t3"], (await Store.ListThreadsAsync(a, "dave", [new MemberInterval("dave", Roles.Member, 3, null, DateTimeOffset.UtcNow)], null, 10))
            .Select(t => t.Root.MessageId));
    }

    [SkippableFact]
    public async Task A_mention_counts_for_the_mentioned_above_their_cursor_and_everyone_for_all_but_the_sender()
    {
        var a = await GroupAsync("a");
        await Store.StoreAsync([Reply("m1", a, "alice", null, false, "bob"), Reply("m2", a, "alice", null, false, MentionRules.All)]);

        Assert.Equal([new ConversationBadges(0, 2)], (await Store.BadgesAsync("bob", [a])).Values);
        Assert.Equal([new ConversationBadges(0, 1)], (await Store.BadgesAsync("carol", [a])).Values);
        Assert.Equal([new ConversationBadges(0, 0)], (await Store.BadgesAsync("alice", [a])).Values);
        Assert.Equal(["bob"], (await Store.FindMessageAsync("m1"))!.Mentions!);
        await Store.MoveReadCursorsAsync([new ReadCursorMove(a, "bob", 1)]);
        Assert.Equal([new ConversationBadges(0, 1)], (await Store.BadgesAsync("bob", [a])).Values);
    }

    [SkippableFact]
    public async Task A_pin_is_a_system_message_lasts_until_it_expires_and_an_unpin_of_nothing_changes_nothing()
    {
        var a = await GroupAsync("a");
        await Store.StoreAsync([To("m1", a, "alice", ["bob", "carol"])]);
        var at = DateTimeOffset.UtcNow;
        var pinned = await Store.ApplyMessageChangeAsync(
            new MessageChangeEvent("pin-1", a, new MessageChangeRequest(MessageChangeKinds.Pinned, "m1", "alice", ExpiresAt: at.AddMinutes(5)), at), TimeSpan.FromHours(1));

        Assert.Equal(MessageChangeOutcome.Applied, pinned.Outcome);
        Assert.Equal((2L, MessageChangeKinds.Pinned, "m1"), (pinned.SystemMessage!.SequenceNumber, pinned.SystemMessage.Payload.System!.Event, pinned.SystemMessage.Payload.System.Target));
        Assert.Equal(["m1"], (await Store.PinsAsync(a, at)).Select(p => p.Message.MessageId));
        Assert.Empty(await Store.PinsAsync(a, at.AddMinutes(6)));
        var replay = await Store.ApplyMessageChangeAsync(
            new MessageChangeEvent("pin-1", a, new MessageChangeRequest(MessageChangeKinds.Pinned, "m1", "alice", ExpiresAt: at.AddMinutes(5)), at), TimeSpan.FromHours(1));
        Assert.Equal((MessageChangeOutcome.Duplicate, 2L), (replay.Outcome, replay.SystemMessage!.SequenceNumber));

        var bobs = await Store.ApplyMessageChangeAsync(new MessageChangeEvent("pin-2", a, new MessageChangeRequest(MessageChangeKinds.Pinned, "m1", "bob"), at), TimeSpan.FromHours(1));
        Assert.Equal(MessageChangeOutcome.Refused, bobs.Outcome);
        Assert.Equal(MessageChangeOutcome.Applied,
            (await Store.ApplyMessageChangeAsync(new MessageChangeEvent("unpin-1", a, new MessageChangeRequest(MessageChangeKinds.Unpinned, "m1", "alice"), at), TimeSpan.FromHours(1))).Outcome);
        Assert.Equal(MessageChangeOutcome.Unchanged,
            (await Store.ApplyMessageChangeAsync(new MessageChangeEvent("unpin-2", a, new MessageChangeRequest(MessageChangeKinds.Unpinned, "m1", "alice"), at), TimeSpan.FromHours(1))).Outcome);
        Assert.Empty(await Store.PinsAsync(a, at));
    }
}
