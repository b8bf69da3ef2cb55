using System.Text;

namespace Chat.Storage;

/// <summary>
/// Search as plain text (issue 17): the words of a query, and the snippet of a matching message with
/// the ranges of the words found in it. A word is a run of letters, digits and private-use
/// characters (what SQLite's <c>unicode61</c> tokenizer keeps); words compare without case and without
/// the diacritics of Latin letters (<c>é</c> is <c>e</c>), as <c>remove_diacritics 2</c> and MongoDB's
/// version 3 text index compare them. Nothing here is HTML: a client marks the ranges up itself.
/// </summary>
public static class SearchText
{
    public const int MaxQueryLength = 200;
    public const int MaxWords = 10;

    /// <summary>The last word of a query also finds the words it begins, once it is this long (a shorter prefix matches too much to be quick).</summary>
    public const int MinPrefixLength = 3;

    /// <summary>About how many characters of a long message a snippet shows, around the first word found.</summary>
    public const int SnippetLength = 160;

    private const int LeadIn = 40;

    /// <summary>The distinct words of <paramref name="query"/>, folded, in order.</summary>
    public static IReadOnlyList<string> WordsOf(string query) =>
        Tokens(query).Select(t => Fold(query.AsSpan(t.Start, t.Length))).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Lower case, without the diacritics of Latin letters.</summary>
    public static string Fold(ReadOnlySpan<char> word)
    {
        var folded = new StringBuilder(word.Length);
        foreach (var c in word)
            folded.Append(c switch
            {
                >= '\u00C0' and < '\u0250' => Latin[c - 0xC0],
                >= '\u1E00' and < '\u1F00' => LatinExtended[c - 0x1E00],
                _ => char.ToLowerInvariant(c),
            });
        return folded.ToString();
    }

    /// <summary>Where each word of <paramref name="text"/> is, in UTF-16 code units.</summary>
    public static IEnumerable<(int Start, int Length)> Tokens(string text)
    {
        var start = -1;
        for (var i = 0; i < text.Length;)
        {
            var word = Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var width) == System.Buffers.OperationStatus.Done && IsWordRune(rune);
            if (word && start < 0) start = i;
            if (!word && start >= 0)
            {
                yield return (start, i - start);
                start = -1;
            }
            i += Math.Max(width, 1);
        }
        if (start >= 0) yield return (start, text.Length - start);
    }

    private static bool IsWordRune(Rune rune) => Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune) is System.Globalization.UnicodeCategory.PrivateUse
        or System.Globalization.UnicodeCategory.LetterNumber or System.Globalization.UnicodeCategory.OtherNumber;

    /// <summary>Whether the folded word <paramref name="token"/> is one of <paramref name="words"/> (the last also as a prefix, when <paramref name="prefixLast"/>).</summary>
    private static bool Matches(string token, IReadOnlyList<string> words, bool prefixLast)
    {
        for (var i = 0; i < words.Count; i++)
            if (token == words[i] || (prefixLast && i == words.Count - 1 && words[i].Length >= MinPrefixLength && token.StartsWith(words[i], StringComparison.Ordinal)))
                return true;
        return false;
    }

    /// <summary>
    /// The part of <paramref name="text"/> to show for a match: all of it when short, else about
    /// <see cref="SnippetLength"/> characters from a little before the first word found, cut at spaces, with
    /// "…" where it was cut; line breaks and tabs become spaces. With the ranges of the words found in it.
    /// </summary>
    public static (string Snippet, IReadOnlyList<TextRange> Highlights) Snippet(string text, IReadOnlyList<string> words, bool prefixLast)
    {
        var found = Tokens(text).Where(t => Matches(Fold(text.AsSpan(t.Start, t.Length)), words, prefixLast)).ToList();
        var (from, to) = (0, text.Length);
        if (text.Length > SnippetLength)
        {
            from = found.Count == 0 ? 0 : Math.Max(0, found[0].Start - LeadIn);
            if (from > 0) from = CutAfterSpace(text, from, found.Count == 0 ? from : found[0].Start);
            to = Math.Min(text.Length, from + SnippetLength);
            if (to < text.Length) to = CutBeforeSpace(text, to, from);
        }
        var lead = from > 0 ? "…" : "";
        var shown = new StringBuilder(lead, SnippetLength + 2);
        foreach (var c in text.AsSpan(from, to - from)) shown.Append(char.IsControl(c) ? ' ' : c);
        if (to < text.Length) shown.Append('…');
        var highlights = found.Where(t => t.Start >= from && t.Start + t.Length <= to)
            .Select(t => new TextRange(t.Start - from + lead.Length, t.Start - from + lead.Length + t.Length)).ToList();
        return (shown.ToString(), highlights);
    }

    /// <summary>The first position after a space at or past <paramref name="at"/>, but not past <paramref name="limit"/>.</summary>
    private static int CutAfterSpace(string text, int at, int limit)
    {
        for (var i = at; i < limit; i++)
            if (char.IsWhiteSpace(text[i])) return i + 1;
        return char.IsLowSurrogate(text[at]) ? at - 1 : at;
    }

    /// <summary>The last space at or before <paramref name="at"/>, but not before <paramref name="floor"/> (then <paramref name="at"/>, never inside a surrogate pair).</summary>
    private static int CutBeforeSpace(string text, int at, int floor)
    {
        for (var i = at; i > floor + SnippetLength / 2; i--)
            if (char.IsWhiteSpace(text[i])) return i;
        return char.IsLowSurrogate(text[at]) ? at - 1 : at;
    }

    // Lower-case base letters of U+00C0–U+024F and U+1E00–U+1EFF (from Unicode's canonical decompositions): é → e, Ø stays ø.
    private const string Latin = "aaaaaaæceeeeiiiiðnooooo×øuuuuyþßaaaaaaæceeeeiiiiðnooooo÷øuuuuyþyaaaaaaccccccccddđđeeeeeeeeeegggggggghhħħiiiiiiiiiıĳĳjjkkĸllllllŀŀłłnnnnnnŉŋŋooooooœœrrrrrrssssssssttttŧŧuuuuuuuuuuuuwwyyyzzzzzzſƀɓƃƃƅƅɔƈƈɖɗƌƌƍǝəɛƒƒɠɣƕɩɨƙƙƚƛɯɲƞɵooƣƣƥƥʀƨƨʃƪƫƭƭʈuuʊʋƴƴƶƶʒƹƹƺƻƽƽƾƿǀǁǂǃǆǆǆǉǉǉǌǌǌaaiioouuuuuuuuuuǝaaaaǣǣǥǥggkkooooǯǯjǳǳǳggƕƿnnaaǽǽǿǿaaaaeeeeiiiioooorrrruuuussttȝȝhhƞȡȣȣȥȥaaeeooooooooyyȴȵȶȷȸȹⱥȼȼƚⱦȿɀɂɂƀʉʌɇɇɉɉɋɋɍɍɏɏ";
    private const string LatinExtended = "aabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmmmmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvvwwwwwwwwwwxxxxyyzzzzzzhtwyẚẛẜẝßẟaaaaaaaaaaaaaaaaaaaaaaaaeeeeeeeeeeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyyỻỻỽỽỿỿ";
}

/// <summary>Characters <see cref="Start"/> (inclusive) to <see cref="End"/> (exclusive) of a snippet, in UTF-16 code units (JavaScript's string indexes).</summary>
public readonly record struct TextRange(int Start, int End);
