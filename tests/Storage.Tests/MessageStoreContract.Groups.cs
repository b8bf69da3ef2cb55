using Chat.Shared;

namespace Chat.Storage.Tests;

// Groups and roles (issue 16): changes decided and recorded in order, membership stretches, archives.
public abstract partial class MessageStoreContract
{
    private static ChangeEvent Change(string id, string conversation, string kind, string actor, string? target = null, string? role = null, string? title = null) =>
        new(id, conversation, new ChangeRequest(kind, actor, target, role, title), DateTimeOffset.UtcNow);

    [SkippableFact]
    public async Task A_change_becomes_the_next_system_message_and_moves_the_membership_stretches()
    {
        var group = await GroupAsync("g-" + Guid.NewGuid().ToString("N"));
        await Store.StoreAsync([Message("before", group)]);

        var added = await Store.ApplyChangeAsync(Change("c1", group, ChangeKinds.MemberAdded, "alice", "dave"));
        var removed = await Store.ApplyChangeAsync(Change("c2", group, ChangeKinds.MemberRemoved, "alice", "bob"));

        Assert.Equal((ChangeOutcome.Applied, 2L), (added.Outcome, added.SystemMessage!.SequenceNumber));
        Assert.Equal((ChangeOutcome.Applied, 3L), (removed.Outcome, removed.SystemMessage!.SequenceNumber));
        Assert.Equal(new SystemEvent(ChangeKinds.MemberRemoved, "alice", "bob"), removed.SystemMessage.Payload.System);
        Assert.Contains("bob", removed.SystemMessage.To); // he sees his removal
        Assert.Equal(["alice", "carol", "dave"], (await Store.FindConversationAsync(group))!.Members.Order());
        var stretches = await Store.MembershipAsync(group);
        Assert.Contains(stretches, i => i is { Username: "dave", JoinedSeq: 2, LeftSeq: null, Role: Roles.Member });
        Assert.Contains(stretches, i => i is { Username: "bob", JoinedSeq: 0, LeftSeq: 4 });
        Assert.Contains(stretches, i => i is { Username: "alice", Role: Roles.Owner });

        // History within a stretch: bob reads up to his removal, dave from his addition.
        var bobs = await Store.GetMessagesWithinAsync(group, stretches.Where(i => i.Username == "bob").ToList(), 0, 100);
        var daves = await Store.GetMessagesWithinAsync(group, stretches.Where(i => i.Username == "dave").ToList(), 0, 100);
        Assert.Equal(["before", "c1", "c2"], bobs.Select(m => m.MessageId));
        Assert.Equal(["c1", "c2"], daves.Select(m => m.MessageId));
        Assert.Equal(ChangeKinds.MemberAdded, daves[0].Payload.System!.Event);
    }

    [SkippableFact]
    public async Task A_change_the_state_no_longer_allows_is_refused_once_and_a_replay_is_a_duplicate()
    {
        var group = await GroupAsync("g-" + Guid.NewGuid().ToString("N"));
        var first = await Store.ApplyChangeAsync(Change("r1", group, ChangeKinds.MemberRemoved, "alice", "bob"));
        var racing = await Store.ApplyChangeAsync(Change("r2", group, ChangeKinds.MemberRemoved, "alice", "bob"));
        var replayed = await Store.ApplyChangeAsync(Change("r2", group, ChangeKinds.MemberRemoved, "alice", "bob"));
        var replayedFirst = await Store.ApplyChangeAsync(Change("r1", group, ChangeKinds.MemberRemoved, "alice", "bob"));

        Assert.Equal(ChangeOutcome.Applied, first.Outcome);
        Assert.Equal(ChangeOutcome.Refused, racing.Outcome);
        Assert.Contains("not a member", racing.RefusedBecause);
        Assert.Equal((ChangeOutcome.Duplicate, racing.RefusedBecause), (replayed.Outcome, replayed.RefusedBecause));
        Assert.Equal((ChangeOutcome.Duplicate, 1L), (replayedFirst.Outcome, replayedFirst.SystemMessage!.SequenceNumber));
        Assert.Single(await Store.GetMessagesAsync(group, 0, 100));
        Assert.Equal(ChangeOutcome.UnknownConversation, (await Store.ApplyChangeAsync(Change("u1", "nowhere", ChangeKinds.MemberLeft, "alice", "alice"))).Outcome);
    }

    [SkippableFact]
    public async Task When_the_owner_leaves_the_longest_standing_admin_owns_the_group()
    {
        var group = await GroupAsync("g-" + Guid.NewGuid().ToString("N"));
        await Store.ApplyChangeAsync(Change("o1", group, ChangeKinds.RoleChanged, "alice", "carol", Roles.Admin));
        var left = await Store.ApplyChangeAsync(Change("o2", group, ChangeKinds.MemberLeft, "alice", "alice"));
        await Store.ApplyChangeAsync(Change("o3", group, ChangeKinds.TitleChanged, "carol", title: "carol's now"));

        Assert.Equal("carol", left.SystemMessage!.Payload.System!.NewOwner);
        var open = (await Store.MembershipAsync(group)).Where(i => i.IsOpen).ToDictionary(i => i.Username, i => i.Role);
        Assert.Equal(new Dictionary<string, string?> { ["bob"] = Roles.Member, ["carol"] = Roles.Owner }, open);
        Assert.Equal("carol's now", (await Store.FindConversationAsync(group))!.Title);
    }

    [SkippableFact]
    public async Task A_sender_refused_for_membership_has_only_failed_deliveries_even_when_replayed_after_rejoining()
    {
        var group = await GroupAsync("g-" + Guid.NewGuid().ToString("N"));
        var refused = await Store.StoreAsync([Message("gone", group) with { RefusedBecause = "not a member here" }]);
        var replayed = await Store.StoreAsync([Message("gone", group)]);

        Assert.Equal(StoreOutcome.NotMember, refused[0].Outcome);
        Assert.All(refused[0].Changes!, c => Assert.Equal((MessageStatus.Failed, "not a member here"), (c.Status, c.Detail)));
        Assert.Equal((StoreOutcome.NotMember, 0), (replayed[0].Outcome, replayed[0].Changes!.Count));
        Assert.Empty(await Store.GetMessagesAsync(group, 0, 100));
    }

    [SkippableFact]
    public async Task An_archived_conversation_is_left_out_of_the_list_until_a_newer_message_unless_for_good()
    {
        var (kept, archived) = (await GroupAsync("kept"), await GroupAsync("archived"));
        await Store.SetArchivedAsync(archived, "bob", archived: true, untilUnarchived: false);
        Assert.Equal([kept], (await Store.ListConversationsAsync("bob", null, 10)).Select(c => c.ConversationId).Where(c => c == kept || c == archived));
        Assert.DoesNotContain(await Store.ListByActivityAsync("bob", null, 10), a => a.Conversation.ConversationId == archived);
        Assert.Equal(2, (await Store.ListConversationsAsync("alice", null, 10)).Count(c => c.ConversationId == kept || c.ConversationId == archived));

        await Store.StoreAsync([Message("wake", archived)]);
        Assert.Contains(await Store.ListConversationsAsync("bob", null, 10), c => c.ConversationId == archived);

        await Store.SetArchivedAsync(archived, "bob", archived: true, untilUnarchived: true);
        await Store.StoreAsync([Message("ignored", archived)]);
        Assert.DoesNotContain(await Store.ListConversationsAsync("bob", null, 10), c => c.ConversationId == archived);
        await Store.SetArchivedAsync(archived, "bob", archived: false, untilUnarchived: false);
        Assert.Contains(await Store.ListConversationsAsync("bob", null, 10), c => c.ConversationId == archived);
    }
}
