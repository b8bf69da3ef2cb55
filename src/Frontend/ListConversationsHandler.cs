using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;

namespace Chat.Frontend;

/// <summary>One page of a member's conversations, newest first: a user's own, or a member's that a client may act for.</summary>
internal sealed class ListConversationsHandler(IMessageStore store)
{
    /// <param name="member">Whose; null for the calling user.</param>
    public async Task<Outcome<ConversationPage>> ListAsync(Caller caller, string? member, string? cursor, int size, CancellationToken ct)
    {
        var whose = member?.ToLowerInvariant() ?? caller.Username!;
        if (!caller.MayActAs(whose)) return new Refusal.Forbidden("member", "You can list only your own conversations.");
        // One more than a page: whether there is a next one.
        var page = await store.ListConversationsAsync(whose, cursor, size + 1, ct);
        var items = page.Take(size).Select(ConversationResponse.Of).ToList();
        return new ConversationPage(items, page.Count > size ? items[^1].ConversationId : null);
    }
}
