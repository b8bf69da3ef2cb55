using System.Text;
using Chat.Shared.Http;

namespace Chat.Files;

/// <summary>What an upload must declare, and whether stored bytes are what was declared.</summary>
internal static class FileRules
{
    private const int MaxDeclaredNameLength = 1024;

    public static ValidationErrors Check(InitiateUploadRequest body, FilesOptions limits, out string fileName, out string contentType)
    {
        var errors = new ValidationErrors();
        fileName = SanitizeName(body.Filename);
        contentType = (body.ContentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (string.IsNullOrWhiteSpace(body.Filename)) errors.Add("filename", "Is required.");
        // Long names are cut to 200 below; one past any real file system's limit is a mistake or an attack.
        else if (body.Filename.Length > MaxDeclaredNameLength) errors.Add("filename", $"Must be at most {MaxDeclaredNameLength} characters.");
        else if (fileName.Length == 0) errors.Add("filename", "Must contain a letter or digit once path and control characters are removed.");
        if (contentType.Length == 0) errors.Add("content_type", "Is required, e.g. image/png.");
        else if (!limits.AllowedContentTypes.Contains(contentType, StringComparer.OrdinalIgnoreCase))
            errors.Add("content_type", $"Must be one of: {string.Join(", ", limits.AllowedContentTypes)}.");
        if (body.Size is not { } size || size <= 0) errors.Add("size", "Is required: the file's length in bytes, more than 0.");
        else if (size > limits.MaxSize) errors.Add("size", $"Must be at most {limits.MaxSize} bytes.");
        if (body.Sha256 is not { Length: 64 } sha || !sha.All(char.IsAsciiHexDigit)) errors.Add("sha256", "Is required: the SHA-256 of the bytes as 64 hex digits.");
        return errors;
    }

    /// <summary>
    /// The last path segment, without control characters or characters that mean something to a
    /// shell or a file system, at most 200 characters (keeping the extension); "" when nothing is left.
    /// </summary>
    public static string SanitizeName(string? name)
    {
        if (name is null) return "";
        var last = name.Replace('\\', '/').Split('/').Last();
        var kept = new StringBuilder(last.Length);
        foreach (var c in last.Normalize(NormalizationForm.FormC))
            if (!char.IsControl(c) && "<>:\"|?*;`$".IndexOf(c) < 0) kept.Append(c);
        var clean = kept.ToString().Trim().Trim('.').Trim();
        if (!clean.Any(char.IsLetterOrDigit)) return "";
        if (clean.Length <= 200) return clean;
        var extension = Path.GetExtension(clean);
        return extension.Length is > 0 and <= 16 ? clean[..(200 - extension.Length)] + extension : clean[..200];
    }

    /// <summary>Signatures of the types where a lie matters (a browser would render an image): the bytes must begin with one.</summary>
    private static readonly Dictionary<string, byte[][]> Signatures = new(StringComparer.OrdinalIgnoreCase)
    {
        ["image/png"] = [[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]],
        ["image/jpeg"] = [[0xFF, 0xD8, 0xFF]],
        ["image/gif"] = ["GIF87a"u8.ToArray(), "GIF89a"u8.ToArray()],
        ["image/webp"] = ["RIFF"u8.ToArray()],
        ["application/pdf"] = ["%PDF-"u8.ToArray()],
    };

    /// <summary>False when the declared type has a known signature and the bytes do not start with it.</summary>
    public static bool ContentMatches(string contentType, byte[] head)
    {
        if (!Signatures.TryGetValue(contentType, out var signatures)) return true;
        if (!signatures.Any(s => head.AsSpan().StartsWith(s))) return false;
        // RIFF is any of several formats; WebP says so at offset 8.
        return contentType != "image/webp" || head.Length >= 12 && head.AsSpan(8, 4).SequenceEqual("WEBP"u8);
    }
}
