using System.Text;
using Microsoft.AspNetCore.Http;

namespace Chat.Shared.Http;

/// <summary>Reads a free-text query parameter (a search) strictly, so a bad one is refused by name.</summary>
public static class QueryText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// A free-text parameter as the client sent it (the last one of that name), read from the raw query
    /// string: percent-escapes that are not UTF-8, control characters (but tab and line breaks) and more
    /// than <paramref name="maxLength"/> characters are refused by name. Null when absent or refused.
    /// </summary>
    public static string? Read(HttpRequest request, string name, int maxLength, ValidationErrors errors)
    {
        string? raw = null;
        foreach (var pair in (request.QueryString.Value ?? "").TrimStart('?').Split('&'))
        {
            var (key, value) = pair.IndexOf('=') is var at and >= 0 ? (pair[..at], pair[(at + 1)..]) : (pair, "");
            if (Uri.UnescapeDataString(key.Replace('+', ' ')) == name) raw = value;
        }
        if (raw is null) return null;
        string text;
        try
        {
            text = StrictUtf8.GetString(PercentDecoded(raw.Replace('+', ' ')));
        }
        catch (DecoderFallbackException)
        {
            errors.Add(name, "Must be UTF-8 (percent-encoded).");
            return null;
        }
        if (text.Any(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r')))
            errors.Add(name, "Must not contain control characters (U+0000–U+001F, U+007F–U+009F) other than tab and line breaks.");
        else if (text.Length > maxLength) errors.Add(name, $"Must be at most {maxLength} characters.");
        else return text;
        return null;
    }

    /// <summary>The bytes <paramref name="raw"/> stands for: each <c>%XX</c> one byte, the characters between them their UTF-8.</summary>
    private static byte[] PercentDecoded(string raw)
    {
        var bytes = new List<byte>(raw.Length);
        var plain = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '%' || i + 2 >= raw.Length || !Uri.IsHexDigit(raw[i + 1]) || !Uri.IsHexDigit(raw[i + 2])) continue;
            bytes.AddRange(Encoding.UTF8.GetBytes(raw[plain..i]));
            bytes.Add(Convert.ToByte(raw.Substring(i + 1, 2), 16));
            i += 2;
            plain = i + 1;
        }
        bytes.AddRange(Encoding.UTF8.GetBytes(raw[plain..]));
        return bytes.ToArray();
    }
}
