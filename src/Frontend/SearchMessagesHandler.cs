using Chat.Auth;
using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;

namespace Chat.Frontend;

/// <param name="Member">Whose messages; null for the calling user.</param>
/// <param name="After">The last message of the previous page (its cursor).</param>
public sealed record SearchRequest(IReadOnlyList<string> Words, string? Member, string? ConversationId, string? From, string? After, int Size);

/// <summary>
/// Search in what the reader may read (docs/api.md, "Search"): their conversations, each within their
/// membership, so a member removed from a group finds nothing said after their removal.
/// </summary>
internal sealed class SearchMessagesHandler(IMessageStore store, Attribution attribution)
{
    public async Task<Outcome<SearchPage>> SearchAsync(Caller caller, SearchRequest request, CancellationToken ct)
    {
        var reader = request.Member?.ToLowerInvariant() ?? caller.Username!.ToLowerInvariant();
        if (!caller.MayActAs(reader)) return new Refusal.Forbidden("member", "You can search only your own messages.");
        if (request.ConversationId is { } id)
        {
            if (await store.FindConversationAsync(id, ct) is null) return new Refusal.NotFound("conversation_id", $"No conversation '{id}'.");
            if (!(await store.MembershipAsync(id, ct)).Any(i => i.Username == reader))
                return new Refusal.Forbidden("conversation_id", "Only members may search a conversation.");
        }
        var query = new MessageQuery(reader, request.Words, request.ConversationId, request.From?.ToLowerInvariant());
        // One more than a page: whether there is a next one.
        var hits = await store.SearchAsync(query, request.After, request.Size + 1, ct);
        var items = hits.Take(request.Size).ToList();
        var messages = items.Select(h => PublicMessage.Of(h.Message, reader)).ToList();
        var deleted = await attribution.DeletedInAsync(messages, ct);
        return new SearchPage(items.Select((h, i) => new SearchResult(messages[i].Attributed(deleted), h.Snippet, h.Highlights)).ToList(),
            hits.Count > request.Size ? PageCursor.EncodeSearch(items[^1].Message.MessageId) : null);
    }
}
