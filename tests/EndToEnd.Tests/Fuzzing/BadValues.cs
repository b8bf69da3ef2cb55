using System.Text;
using System.Text.Json.Nodes;

namespace Chat.EndToEnd.Tests.Fuzzing;

/// <summary>A JSON value as raw bytes: it may be invalid UTF-8 or not JSON at all, which a JsonNode cannot hold.</summary>
public sealed record RawJson(string Name, byte[] Bytes)
{
    public static RawJson Text(string name, string json) => new(name, Encoding.UTF8.GetBytes(json));

    public static RawJson Of(string name, JsonNode? value) => Text(name, value?.ToJsonString() ?? "null");
}

/// <summary>
/// The values a fuzz case puts where a field's value belongs, chosen by the field's schema type:
/// each one is wrong for any field of that type, so whatever else the body holds, the answer must
/// be a refusal naming the field.
/// </summary>
public static class BadValues
{
    /// <summary>Fields (and the search query <c>q</c>) of free text, where a look-alike letter, an empty string or a slash is a fair value.</summary>
    public static readonly HashSet<string> FreeText = ["text", "title", "display_name", "status_text", "description", "filename", "name", "password", "url", "q"];

    /// <summary>Fields where docs/api.md documents an empty string as "remove it" (a profile's picture), so <c>""</c> is a fair value.</summary>
    public static readonly HashSet<string> EmptyRemoves = ["avatar_file_id"];

    private static readonly Dictionary<char, char> LookAlikes = new()
    {
        ['a'] = '\u0430', ['c'] = '\u0441', ['e'] = '\u0435', ['o'] = '\u043e', ['p'] = '\u0440', ['x'] = '\u0445', ['y'] = '\u0443', ['i'] = '\u0456',
    };

    /// <summary>Wrong JSON types for a field that takes <paramref name="types"/> (OpenAPI/JSON Schema type names).</summary>
    public static IEnumerable<RawJson> WrongTypes(IReadOnlyCollection<string> types)
    {
        if (!types.Contains("string") && !types.Contains("integer")) yield return RawJson.Text("a string", "\"fuzz\"");
        if (types.Contains("integer")) yield return RawJson.Text("a non-numeric string", "\"twelve\"");
        if (!types.Contains("integer") && !types.Contains("number")) yield return RawJson.Text("a number", "42");
        if (types.Contains("integer")) yield return RawJson.Text("a fraction", "1.5");
        if (types.Contains("integer")) yield return RawJson.Text("a number past 64 bits", "123456789012345678901234567890");
        if (!types.Contains("boolean")) yield return RawJson.Text("a boolean", "true");
        if (!types.Contains("array")) yield return RawJson.Text("an array", "[\"fuzz\"]");
        if (!types.Contains("object")) yield return RawJson.Text("an object", "{\"fuzz\":1}");
    }

    /// <summary>Strings no field should take: control characters, broken encodings, sizes past every limit.</summary>
    /// <param name="cleaned">A field whose control characters the server strips (a file name, docs/api.md), not refuses.</param>
    /// <param name="emptyRemoves">A field an empty string removes (<see cref="EmptyRemoves"/>).</param>
    public static IEnumerable<RawJson> BadStrings(string? example, bool freeText, bool cleaned = false, bool emptyRemoves = false)
    {
        if (!cleaned) yield return RawJson.Text("a NUL inside", $"\"{Escape(example ?? "fuzz")}\\u0000x\"");
        if (!cleaned) yield return RawJson.Text("a control character", $"\"{Escape(example ?? "fuzz")}\\u0007\"");
        yield return RawJson.Text("a lone surrogate", "\"fuzz\\ud800\"");
        yield return new RawJson("invalid UTF-8", [.. "\"fu"u8, 0xC3, 0x28, 0xFF, .. "zz\""u8]);
        yield return new RawJson("a raw NUL byte", [.. "\"fu"u8, 0x00, .. "zz\""u8]);
        // Past every field's limit, yet small enough that the client has sent it all before a 413 closes the connection.
        yield return RawJson.Text("200 KiB", $"\"{new string('z', 200 << 10)}\"");
        yield return RawJson.Text("nested 300 deep", new string('[', 300) + new string(']', 300));
        if (!freeText && example is not null) yield return RawJson.Of("a look-alike of the example", LookAlike(example));
        if (!freeText && !emptyRemoves) yield return RawJson.Text("an empty string", "\"\"");
    }

    /// <summary>The same text with its first Latin letter that has a Cyrillic twin swapped for it (or a zero-width space added).</summary>
    public static string LookAlike(string value)
    {
        var at = value.IndexOfAny([.. LookAlikes.Keys]);
        return at < 0 ? value + "\u200B" : value[..at] + LookAlikes[value[at]] + value[(at + 1)..];
    }

    private static string Escape(string value) => JsonValue.Create(value).ToJsonString()[1..^1];
}
