using System.Buffers.Text;
using System.Text;
using Chat.Storage;

namespace Chat.Frontend;

/// <summary>One message found: the message, and the part of its text to show with the words found in it (plain text, never HTML).</summary>
public sealed record SearchResult(PublicMessage Message, string Snippet, IReadOnlyList<TextRange> Highlights);

public sealed record SearchPage(IReadOnlyList<SearchResult> Items, string? NextCursor);

public sealed record StarResponse(string MessageId, DateTimeOffset StarredAt);

public sealed record StarredItem(PublicMessage Message, DateTimeOffset StarredAt);

public sealed record StarredPage(IReadOnlyList<StarredItem> Items, string? NextCursor);

/// <summary>
/// The opaque <c>next_cursor</c>s of stars and search: what the page ended on, tagged with whose page
/// it is, so a cursor of one list is never taken for the other's.
/// </summary>
internal static class PageCursor
{
    private const string Starred = "starred";
    private const string Search = "search";

    public static string Encode(StarCursor cursor) => Encode(Starred, $"{cursor.StarredAt.UtcTicks}:{cursor.MessageId}");

    public static string EncodeSearch(string lastMessageId) => Encode(Search, lastMessageId);

    public static StarCursor? TryParseStarred(string text) =>
        Decode(Starred, text)?.Split(':', 2) is [var ticks, { Length: > 0 } id] && long.TryParse(ticks, out var t) && t >= 0 && t <= DateTime.MaxValue.Ticks
            ? new StarCursor(new DateTimeOffset(t, TimeSpan.Zero), id)
            : null;

    public static string? TryParseSearch(string text) => Decode(Search, text) is { Length: > 0 } id ? id : null;

    private static string Encode(string kind, string position) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{kind}:{position}"));

    private static string? Decode(string kind, string text)
    {
        try
        {
            var decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text));
            return decoded.StartsWith(kind + ":", StringComparison.Ordinal) ? decoded[(kind.Length + 1)..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
