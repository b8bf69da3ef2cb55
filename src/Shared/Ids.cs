namespace Chat.Shared;

public static class Ids
{
    /// <summary>A new UUIDv7: unique, and sortable by creation time (which cursors rely on).</summary>
    public static string New() => Guid.CreateVersion7().ToString();

    /// <summary>Client-chosen ids: 1–128 characters of letters, digits and <c>-_.:</c>.</summary>
    public static bool IsValidClientId(string id) =>
        id.Length is > 0 and <= 128 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');
}
