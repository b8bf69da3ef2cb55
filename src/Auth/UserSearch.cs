using System.Globalization;
using System.Text;

namespace Chat.Auth;

/// <summary>
/// How users are found (docs/api.md, "People"): by a prefix of their username or of a word of their
/// display name, ignoring case and accents ("jose" finds "José"). Stores keep each user's words in
/// <see cref="KeyOf"/> form and look prefixes up in that index.
/// </summary>
public static class UserSearch
{
    /// <summary>
    /// The base letter of each of U+00C0–U+017F (Latin-1 and Latin Extended-A), itself where it has
    /// none. The processes run with invariant globalization, where <see cref="string.Normalize()"/>
    /// leaves such letters composed, so their accents come off here.
    /// </summary>
    private const string LatinBases = "AAAAAAÆCEEEEIIIIDNOOOOO×OUUUUYÞßaaaaaaæceeeeiiiidnooooo÷ouuuuyþyAaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiĲĳJjKkĸLlLlLlLlLlNnNnNnnŊŋOoOoOoŒœRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";

    private const char FirstFolded = '\u00C0';

    /// <summary>
    /// Lower case with the accents taken off: decomposed (FormD) where the runtime can, the Latin
    /// letters folded to their base, combining marks dropped.
    /// </summary>
    public static string KeyOf(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            kept.Append(c >= FirstFolded && c < FirstFolded + LatinBases.Length ? LatinBases[c - FirstFolded] : c);
        }
        return kept.ToString().ToLowerInvariant();
    }

    /// <summary>The username whole, and each run of letters and digits of the display name.</summary>
    public static IReadOnlySet<string> WordsOf(User user)
    {
        var words = new HashSet<string>(StringComparer.Ordinal) { KeyOf(user.Username) };
        var current = new StringBuilder();
        foreach (var c in KeyOf(user.DisplayName).Append(' '))
        {
            if (char.IsLetterOrDigit(c)) current.Append(c);
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }
        return words;
    }
}
