using System.Text;

namespace Chat.Files;

internal static class ContentDisposition
{
    /// <summary>RFC 6266: an ASCII fallback name for old clients and the exact name in <c>filename*</c>.</summary>
    public static string Attachment(string fileName)
    {
        var ascii = new StringBuilder(fileName.Length);
        foreach (var c in fileName) ascii.Append(c is >= ' ' and < (char)127 and not '"' and not '\\' ? c : '_');
        return $"attachment; filename=\"{ascii}\"; filename*=UTF-8''{Uri.EscapeDataString(fileName)}";
    }
}
