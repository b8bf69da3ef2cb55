using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;

namespace Chat.Frontend;

/// <summary>
/// A conversation's messages in sequence order after a sequence number, for those who are or were its
/// members, each only within their membership (a removed member reads up to their removal; one added
/// later reads from their addition on).
/// </summary>
internal sealed class ReadHistoryHandler(IMessageStore store)
{
    /// <summary>With the conversation's epoch (issue 25), read before the page: a rebuild after it shows as a newer epoch on the next read.</summary>
    public async Task<Outcome<LaterMessages>> ReadAsync(Caller caller, string conversationId, long afterSequence, int size, CancellationToken ct)
    {
        var conversation = await store.FindConversationAsync(conversationId, ct);
        if (conversation is null) return new Refusal.NotFound("conversation_id", $"No conversation '{conversationId}'.");
        var visible = GroupRules.VisibleTo(await store.MembershipAsync(conversationId, ct), caller.MayActAs);
        if (visible.Count == 0) return new Refusal.Forbidden("conversation_id", "Only members may read a conversation.");
        var epoch = await store.EpochOfAsync(conversationId, ct);
        return new LaterMessages(await store.GetMessagesWithinAsync(conversationId, visible, afterSequence, size, ct), epoch!);
    }

    /// <summary>The <paramref name="size"/> messages the caller may read just below <paramref name="beforeSequence"/>, in sequence order.</summary>
    public async Task<Outcome<EarlierMessages>> ReadBeforeAsync(Caller caller, string conversationId, long beforeSequence, int size, CancellationToken ct)
    {
        var conversation = await store.FindConversationAsync(conversationId, ct);
        if (conversation is null) return new Refusal.NotFound("conversation_id", $"No conversation '{conversationId}'.");
        var visible = GroupRules.VisibleTo(await store.MembershipAsync(conversationId, ct), caller.MayActAs);
        if (visible.Count == 0) return new Refusal.Forbidden("conversation_id", "Only members may read a conversation.");
        // One more than a page: whether there is anything before it.
        var epoch = await store.EpochOfAsync(conversationId, ct);
        var page = await store.GetMessagesBeforeWithinAsync(conversationId, visible, beforeSequence, size + 1, ct);
        return page.Count > size ? new EarlierMessages(page.Skip(1).ToList(), true, epoch!) : new EarlierMessages(page, false, epoch!);
    }
}

/// <param name="MoreBefore">Whether the caller may read messages before these.</param>
public sealed record EarlierMessages(IReadOnlyList<StoredMessage> Messages, bool MoreBefore, string Epoch);

public sealed record LaterMessages(IReadOnlyList<StoredMessage> Messages, string Epoch);
