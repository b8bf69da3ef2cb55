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
    public async Task<Outcome<IReadOnlyList<StoredMessage>>> ReadAsync(Caller caller, string conversationId, long afterSequence, int size, CancellationToken ct)
    {
        var conversation = await store.FindConversationAsync(conversationId, ct);
        if (conversation is null) return new Refusal.NotFound("conversation_id", $"No conversation '{conversationId}'.");
        var visible = GroupRules.VisibleTo(await store.MembershipAsync(conversationId, ct), caller.MayActAs);
        if (visible.Count == 0) return new Refusal.Forbidden("conversation_id", "Only members may read a conversation.");
        return Outcome.Done(await store.GetMessagesWithinAsync(conversationId, visible, afterSequence, size, ct));
    }
}
