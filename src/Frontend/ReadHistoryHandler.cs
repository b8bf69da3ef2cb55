using Chat.Auth;
using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;

namespace Chat.Frontend;

/// <summary>
/// A conversation's messages in sequence order after a sequence number, for those who are or were its
/// members, each only within their membership (a removed member reads up to their removal; one added
/// later reads from their addition on). Reactions carry <c>me</c> for <paramref name="reader"/> (a client: no one);
/// a deleted account reads "deleted user" (<see cref="Attribution"/>); a file message whose image has its
/// thumbnail carries its signed URL (<see cref="FileThumbnails"/>).
/// </summary>
internal sealed class ReadHistoryHandler(IMessageStore store, Attribution attribution, FileThumbnails thumbnails)
{
    /// <summary>With the conversation's epoch (issue 25), read before the page: a rebuild after it shows as a newer epoch on the next read.</summary>
    public async Task<Outcome<MessagePage>> ReadAsync(Caller caller, string? reader, string conversationId, long afterSequence, int size, CancellationToken ct)
    {
        var conversation = await store.FindConversationAsync(conversationId, ct);
        if (conversation is null) return new Refusal.NotFound("conversation_id", $"No conversation '{conversationId}'.");
        var visible = GroupRules.VisibleTo(await store.MembershipAsync(conversationId, ct), caller.MayActAs);
        if (visible.Count == 0) return new Refusal.Forbidden("conversation_id", "Only members may read a conversation.");
        var epoch = await store.EpochOfAsync(conversationId, ct);
        var page = await store.GetMessagesWithinAsync(conversationId, visible, afterSequence, size, ct);
        return new MessagePage(await ShownAsync(page, reader, ct),
            page.Count > 0 ? page[^1].SequenceNumber : afterSequence, Epoch: epoch);
    }

    /// <summary>The <paramref name="size"/> messages the caller may read just below <paramref name="beforeSequence"/>, in sequence order.</summary>
    public async Task<Outcome<MessagePage>> ReadBeforeAsync(Caller caller, string? reader, string conversationId, long beforeSequence, int size, CancellationToken ct)
    {
        var conversation = await store.FindConversationAsync(conversationId, ct);
        if (conversation is null) return new Refusal.NotFound("conversation_id", $"No conversation '{conversationId}'.");
        var visible = GroupRules.VisibleTo(await store.MembershipAsync(conversationId, ct), caller.MayActAs);
        if (visible.Count == 0) return new Refusal.Forbidden("conversation_id", "Only members may read a conversation.");
        // One more than a page: whether there is anything before it.
        var epoch = await store.EpochOfAsync(conversationId, ct);
        var page = await store.GetMessagesBeforeWithinAsync(conversationId, visible, beforeSequence, size + 1, ct);
        var more = page.Count > size;
        var messages = more ? page.Skip(1).ToList() : page;
        return new MessagePage(await ShownAsync(messages, reader, ct), null,
            more ? messages[0].SequenceNumber : null, epoch);
    }

    private async Task<IReadOnlyList<PublicMessage>> ShownAsync(IEnumerable<StoredMessage> messages, string? reader, CancellationToken ct) =>
        await thumbnails.AddAsync(await attribution.OfAsync(messages.Select(m => PublicMessage.Of(m, reader)).ToList(), ct), ct);
}
