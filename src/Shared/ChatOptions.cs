using System.ComponentModel.DataAnnotations;

namespace Chat.Shared;

/// <summary>Section <c>Chat</c>.</summary>
public sealed class ChatOptions
{
    public const string Section = "Chat";

    /// <summary>Where embedded mode keeps its files (SQLite databases, keys, blobs).</summary>
    [Required(ErrorMessage = "expected a directory, like ./data.")]
    public string DataDir { get; set; } = "./data";

    public string PathFor(string name)
    {
        Directory.CreateDirectory(DataDir);
        return Path.GetFullPath(Path.Combine(DataDir, name));
    }
}
