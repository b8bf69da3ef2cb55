using Chat.Storage;
using Microsoft.Extensions.Caching.Memory;

namespace Chat.Frontend;

/// <summary>
/// Conversations as the Frontend checks them on every send: a short-lived copy spares the store a
/// read per message. Every change the Router decides evicts its conversation here, on every Frontend
/// (<see cref="ConversationCacheEviction"/>), so no instance serves stale members for the lifetime.
/// </summary>
internal sealed class ConversationCache(IMessageStore store, IMemoryCache cache)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    public async Task<Conversation?> FindAsync(string conversationId, CancellationToken cancellationToken)
    {
        var key = Key(conversationId);
        if (cache.TryGetValue(key, out Conversation? conversation)) return conversation;
        conversation = await store.FindConversationAsync(conversationId, cancellationToken);
        if (conversation is not null) cache.Set(key, conversation, Lifetime);
        return conversation;
    }

    public void Evict(string conversationId) => cache.Remove(Key(conversationId));

    private static string Key(string conversationId) => "conversation:" + conversationId;
}
