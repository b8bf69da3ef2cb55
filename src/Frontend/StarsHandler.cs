using Chat.Auth;
using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;

namespace Chat.Frontend;

/// <summary>
/// A user's stars (docs/api.md, "Stars"): their own and private, on messages they can read (within
/// their membership); for users only, as blocks are (a client acts on messages, not on what a person keeps).
/// </summary>
internal sealed class StarsHandler(IMessageStore store, Attribution attribution)
{
    private static readonly Refusal.Forbidden NotAUser = new("Authorization", "Stars are a user's own: call with a user's token.");

    public async Task<Outcome<StarResponse>> StarAsync(Caller caller, string messageId, CancellationToken ct)
    {
        if (caller.Username?.ToLowerInvariant() is not { } me) return NotAUser;
        if (await UnreadableAsync(me, messageId, ct) is { } refusal) return refusal;
        return new StarResponse(messageId, await store.StarAsync(me, messageId, ct));
    }

    public async Task<Outcome<bool>> UnstarAsync(Caller caller, string messageId, CancellationToken ct)
    {
        if (caller.Username?.ToLowerInvariant() is not { } me) return NotAUser;
        if (await UnreadableAsync(me, messageId, ct) is { } refusal) return refusal;
        await store.UnstarAsync(me, messageId, ct);
        return true;
    }

    public async Task<Outcome<StarredPage>> ListAsync(Caller caller, StarCursor? after, int size, CancellationToken ct)
    {
        if (caller.Username?.ToLowerInvariant() is not { } me) return NotAUser;
        // One more than a page: whether there is a next one.
        var page = await store.StarredAsync(me, after, size + 1, ct);
        var items = page.Take(size).ToList();
        var messages = await attribution.OfAsync(items.Select(s => PublicMessage.Of(s.Message, me)).ToList(), ct);
        return new StarredPage(items.Select((s, i) => new StarredItem(messages[i], s.StarredAt)).ToList(),
            page.Count > size ? PageCursor.Encode(items[^1].Cursor) : null);
    }

    /// <summary>Null when <paramref name="me"/> may read the message: it is stored and numbered within one of their stretches.</summary>
    private async Task<Refusal?> UnreadableAsync(string me, string messageId, CancellationToken ct)
    {
        var notFound = new Refusal.NotFound("message_id", $"No message '{messageId}' that you can read.");
        if ((await store.GetStatusAsync(messageId, ct))?.Message is not { } message) return notFound;
        var stretches = await store.MembershipAsync(message.ConversationId, ct);
        return stretches.Any(i => i.Username == me && i.Contains(message.SequenceNumber)) ? null : notFound;
    }
}
