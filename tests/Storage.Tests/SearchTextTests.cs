namespace Chat.Storage.Tests;

/// <summary>The plain-text side of search: the words of a query, and snippets with the ranges of the words found.</summary>
public sealed class SearchTextTests
{
    [Fact]
    public void A_query_is_its_words_folded_and_nothing_else()
    {
        Assert.Equal(["he", "said", "l", "ete", "c", "est", "a", "dire", "42"], SearchText.WordsOf("He said: \"l'été\", C'EST-À-DIRE! 42 he"));
        Assert.Empty(SearchText.WordsOf("\"*\" ( ) -- : ^ \\ *"));
    }

    [Fact]
    public void A_long_text_shows_the_part_around_the_first_word_found_with_its_range()
    {
        var text = string.Join(' ', Enumerable.Range(0, 40).Select(i => $"word{i}")) + " the Needle\nis here " + string.Join(' ', Enumerable.Range(0, 40).Select(i => $"tail{i}"));

        var (snippet, highlights) = SearchText.Snippet(text, ["needle"], prefixLast: false);

        Assert.StartsWith("…", snippet);
        Assert.EndsWith("…", snippet);
        Assert.True(snippet.Length <= SearchText.SnippetLength + 2, snippet);
        var range = Assert.Single(highlights);
        Assert.Equal("Needle", snippet[range.Start..range.End]);
        Assert.Contains("Needle is here", snippet); // the line break shown as a space
        Assert.Matches(@"^…word\d+ ", snippet); // cut at a space, not inside a word
    }

    [Fact]
    public void The_last_word_matches_as_a_prefix_only_when_asked_and_long_enough()
    {
        Assert.Empty(SearchText.Snippet("Lighthouse keeper", ["lighthou"], prefixLast: false).Highlights);
        Assert.Equal([new TextRange(0, 10)], SearchText.Snippet("Lighthouse keeper", ["lig"], prefixLast: true).Highlights);
        Assert.Empty(SearchText.Snippet("Lighthouse keeper", ["li"], prefixLast: true).Highlights);
    }
}
