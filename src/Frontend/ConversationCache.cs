using Chat.Storage;
using Microsoft.Extensions.Caching.Memory;

namespace Chat.Frontend;

/// <summary>
/// Conversations as the Frontend checks them on every send: members do not change once created
/// (no API changes them yet), so a short-lived copy spares the store a read per message.
/// When membership becomes editable, its writer must evict here.
/// </summary>
internal sealed class ConversationCache(IMessageStore store, IMemoryCache cache)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    public async Task<Conversation?> FindAsync(string conversationId, CancellationToken cancellationToken)
    {
        var key = "conversation:" + conversationId;
        if (cache.TryGetValue(key, out Conversation? conversation)) return conversation;
        conversation = await store.FindConversationAsync(conversationId, cancellationToken);
        if (conversation is not null) cache.Set(key, conversation, Lifetime);
        return conversation;
    }
}
