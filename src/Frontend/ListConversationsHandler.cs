using System.Buffers.Text;
using System.Text;
using Chat.Auth;
using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;

namespace Chat.Frontend;

/// <summary>
/// One page of a member's conversations, the most recently active first, each with the member's
/// unread count, read cursor and the newest message: a user's own, or a member's that a client may act for.
/// </summary>
internal sealed class ListConversationsHandler(IMessageStore store, Attribution attribution)
{
    /// <param name="member">Whose; null for the calling user.</param>
    public async Task<Outcome<ConversationPage>> ListAsync(Caller caller, string? member, ActivityCursor? cursor, int size, CancellationToken ct)
    {
        var whose = member?.ToLowerInvariant() ?? caller.Username!;
        if (!caller.MayActAs(whose)) return new Refusal.Forbidden("member", "You can list only your own conversations.");
        // One more than a page: whether there is a next one.
        var page = await store.ListByActivityAsync(whose, cursor, size + 1, ct);
        var items = page.Take(size).ToList();
        var badges = await store.BadgesAsync(whose, items.Select(i => i.Conversation.ConversationId).ToList(), ct);
        var shown = items.Select(i => ConversationResponse.Of(i) with
        {
            MentionCount = badges.GetValueOrDefault(i.Conversation.ConversationId)?.MentionCount ?? 0,
            ThreadUnreadCount = badges.GetValueOrDefault(i.Conversation.ConversationId)?.ThreadUnreadCount ?? 0,
        }).ToList();
        var deleted = await attribution.DeletedAmongAsync(shown.SelectMany(c => c.NamesShown()), ct);
        return new ConversationPage(shown.Select(c => c.WithoutDeleted(deleted)).ToList(),
            page.Count > size ? ConversationCursor.Encode(items[^1].Cursor) : null);
    }
}

/// <summary>The opaque <c>next_cursor</c>: where the page ended in activity order (time, then conversation id).</summary>
internal static class ConversationCursor
{
    public static string Encode(ActivityCursor cursor) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{cursor.At.UtcTicks}:{cursor.ConversationId}"));

    public static ActivityCursor? TryParse(string text)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split(':', 2);
            return parts.Length == 2 && long.TryParse(parts[0], out var ticks) && ticks >= 0 && ticks <= DateTime.MaxValue.Ticks && parts[1].Length > 0
                ? new ActivityCursor(new DateTimeOffset(ticks, TimeSpan.Zero), parts[1])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
