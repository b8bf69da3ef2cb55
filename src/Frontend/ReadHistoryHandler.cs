using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;

namespace Chat.Frontend;

/// <summary>A conversation's messages in sequence order after a sequence number, for its members only.</summary>
internal sealed class ReadHistoryHandler(IMessageStore store)
{
    public async Task<Outcome<IReadOnlyList<StoredMessage>>> ReadAsync(Caller caller, string conversationId, long afterSequence, int size, CancellationToken ct)
    {
        var conversation = await store.FindConversationAsync(conversationId, ct);
        if (conversation is null) return new Refusal.NotFound("conversation_id", $"No conversation '{conversationId}'.");
        if (!conversation.Members.Any(caller.MayActAs)) return new Refusal.Forbidden("conversation_id", "Only members may read a conversation.");
        return Outcome.Done(await store.GetMessagesAsync(conversationId, afterSequence, size, ct));
    }
}
