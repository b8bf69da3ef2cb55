using Chat.Shared;

namespace Chat.Storage.Tests;

// Edits, deletes, reactions and replies (issue 17): decided at their position, applied in place, once per event id.
public abstract partial class MessageStoreContract
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(48);

    private static MessageChangeEvent Edit(string id, string conversation, string messageId, string actor, string? text = null, string? emoji = null,
        string kind = MessageChangeKinds.Edited, DateTimeOffset? at = null) =>
        new(id, conversation, new MessageChangeRequest(kind, messageId, actor, text, emoji), at ?? DateTimeOffset.UtcNow);

    [SkippableFact]
    public async Task A_messages_identity_is_its_conversation_sender_and_first_payload_and_whether_it_changed_since()
    {
        var group = await GroupAsync("i-" + Guid.NewGuid().ToString("N"));
        var sent = Message("m1", group);
        await Store.StoreAsync([sent]);

        var before = await Store.FindIdentityAsync("m1");
        await Store.ApplyMessageChangeAsync(Edit("ev1", group, "m1", "alice", "fixed text"), Window);
        var after = await Store.FindIdentityAsync("m1");

        Assert.Equal(new MessageIdentity(group, sent.Message.From, sent.Message.Payload, ChangedSince: false), before);
        Assert.Equal((group, sent.Message.From, true), (after!.ConversationId, after.From, after.ChangedSince));
        Assert.Null(await Store.FindIdentityAsync("nowhere"));
    }

    [SkippableFact]
    public async Task The_same_edit_event_applied_twice_changes_the_text_in_place_and_the_version_once()
    {
        var group = await GroupAsync("e-" + Guid.NewGuid().ToString("N"));
        await Store.StoreAsync([Message("m1", group)]);

        var first = await Store.ApplyMessageChangeAsync(Edit("ev1", group, "m1", "alice", "fixed text"), Window);
        var replay = await Store.ApplyMessageChangeAsync(Edit("ev1", group, "m1", "alice", "fixed text"), Window);

        Assert.Equal((MessageChangeOutcome.Applied, 2L), (first.Outcome, first.Message!.Version));
        Assert.Equal((MessageChangeOutcome.Duplicate, 2L), (replay.Outcome, replay.Message!.Version));
        Assert.Equal(["alice", "bob", "carol"], first.Audience!.Order());
        var stored = Assert.Single(await Store.GetMessagesAsync(group, 0, 10));
        Assert.Equal(("fixed text", 2L), (stored.Payload.Text, stored.Version));
        Assert.NotNull(stored.EditedAt);
        // The original send replayed after the edit is still the same message, not a clash.
        Assert.Equal(StoreOutcome.Duplicate, (await Store.StoreAsync([Message("m1", group)]))[0].Outcome);
    }

    [SkippableFact]
    public async Task Edits_are_the_senders_within_the_window_and_deletes_the_senders_or_an_admins()
    {
        var group = await GroupAsync("e-" + Guid.NewGuid().ToString("N"));
        await Store.StoreAsync([Message("m1", group), Message("m2", group)]);
        var sent = (await Store.FindMessageAsync("m1"))!.SentAt;

        var byBob = await Store.ApplyMessageChangeAsync(Edit("a1", group, "m1", "bob", "mine now"), Window);
        var late = await Store.ApplyMessageChangeAsync(Edit("a2", group, "m1", "alice", "too late", at: sent + Window + TimeSpan.FromSeconds(1)), Window);
        var deleteByBob = await Store.ApplyMessageChangeAsync(Edit("a3", group, "m1", "bob", kind: MessageChangeKinds.Deleted), Window);
        var beforeItsMessage = await Store.ApplyMessageChangeAsync(Edit("a4", group, "not-yet", "alice", "early"), Window);
        var replayedRefusal = await Store.ApplyMessageChangeAsync(Edit("a2", group, "m1", "alice", "too late", at: sent), Window);

        Assert.Equal(MessageChangeOutcome.Refused, byBob.Outcome);
        Assert.Contains("Only its sender", byBob.RefusedBecause);
        Assert.Contains(MessageRules.EditWindowSetting, late.RefusedBecause);
        Assert.Equal(MessageChangeOutcome.Refused, deleteByBob.Outcome);
        Assert.Contains("No message 'not-yet'", beforeItsMessage.RefusedBecause);
        Assert.Equal((MessageChangeOutcome.Duplicate, late.RefusedBecause), (replayedRefusal.Outcome, replayedRefusal.RefusedBecause));
        Assert.Equal(1L, (await Store.FindMessageAsync("m1"))!.Version);

        // Made an admin, bob may delete alice's message.
        await Store.ApplyChangeAsync(new ChangeEvent("r1", group, new ChangeRequest(ChangeKinds.RoleChanged, "alice", "bob", Roles.Admin, null), DateTimeOffset.UtcNow));
        var deleted = await Store.ApplyMessageChangeAsync(Edit("a5", group, "m1", "bob", kind: MessageChangeKinds.Deleted), Window);
        Assert.Equal(MessageChangeOutcome.Applied, deleted.Outcome);
        var tombstone = (await Store.GetMessagesAsync(group, 0, 10))[0];
        Assert.NotNull(tombstone.DeletedAt);
        Assert.Equal((1L, (string?)null, 2L), (tombstone.SequenceNumber, tombstone.Payload.Text, tombstone.Version));
        var editDeleted = await Store.ApplyMessageChangeAsync(Edit("a6", group, "m1", "alice", "resurrect"), Window);
        Assert.Contains("was deleted", editDeleted.RefusedBecause);
    }

    [SkippableFact]
    public async Task Reactions_are_one_per_user_per_emoji_and_go_with_a_delete()
    {
        var group = await GroupAsync("e-" + Guid.NewGuid().ToString("N"));
        await Store.StoreAsync([Message("m1", group)]);
        foreach (var (id, user, emoji, kind) in new[]
                 {
                     ("x1", "alice", "👍", MessageChangeKinds.ReactionAdded), ("x2", "bob", "👍", MessageChangeKinds.ReactionAdded),
                     ("x3", "carol", "🎉", MessageChangeKinds.ReactionAdded), ("x4", "bob", "👍", MessageChangeKinds.ReactionAdded),
                     ("x5", "alice", "👍", MessageChangeKinds.ReactionRemoved),
                 })
            await Store.ApplyMessageChangeAsync(Edit(id, group, "m1", user, emoji: emoji, kind: kind), Window);
        var again = await Store.ApplyMessageChangeAsync(Edit("x6", group, "m1", "alice", emoji: "👍", kind: MessageChangeKinds.ReactionRemoved), Window);

        Assert.Equal(MessageChangeOutcome.Unchanged, again.Outcome);
        var reactions = (await Store.GetMessagesAsync(group, 0, 10))[0].Reactions!;
        Assert.Equal([("👍", "bob"), ("🎉", "carol")], reactions.Select(r => (r.Emoji, string.Join(",", r.Users))));

        await Store.ApplyMessageChangeAsync(Edit("x7", group, "m1", "alice", kind: MessageChangeKinds.Deleted), Window);
        Assert.Empty((await Store.FindMessageAsync("m1"))!.Reactions ?? []);
    }

    [SkippableFact]
    public async Task A_reply_carries_a_quote_of_what_it_answers_as_that_is_now_and_a_deleted_file_is_no_longer_carried()
    {
        var group = await GroupAsync("e-" + Guid.NewGuid().ToString("N"));
        var file = new MessagePayload("file", null, "f1", new FileSummary("plan.pdf", "application/pdf", 10, new string('a', 64)));
        await Store.StoreAsync([
            Message("orig", group),
            new MessageToStore(new NewMessage("reply", group, "bob", ["alice"], ["app"], new MessagePayload("text", "answer", null), DateTimeOffset.UtcNow, ReplyTo: "orig"), []),
            new MessageToStore(new NewMessage("doc", group, "alice", ["bob"], ["app"], file, DateTimeOffset.UtcNow), []),
        ]);
        Assert.Equal(new ReplyQuote("orig", "alice", "orig", false), (await Store.FindMessageAsync("reply"))!.Reply);

        await Store.ApplyMessageChangeAsync(Edit("q1", group, "orig", "alice", "orig, edited"), Window);
        Assert.Equal("orig, edited", (await Store.GetMessagesAsync(group, 1, 1))[0].Reply!.Text);
        await Store.ApplyMessageChangeAsync(Edit("q2", group, "orig", "alice", kind: MessageChangeKinds.Deleted), Window);
        Assert.Equal(new ReplyQuote("orig", "", null, true), (await Store.FindMessageAsync("reply"))!.Reply! with { From = "" });

        Assert.Equal([3L], await Store.FileMessageSequencesAsync(group, "f1"));
        await Store.ApplyMessageChangeAsync(Edit("q3", group, "doc", "alice", kind: MessageChangeKinds.Deleted), Window);
        Assert.Empty(await Store.FileMessageSequencesAsync(group, "f1"));
    }
}
