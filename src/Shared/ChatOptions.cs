using System.ComponentModel.DataAnnotations;
using Chat.Shared.Configuration;

namespace Chat.Shared;

/// <summary>Section <c>Chat</c>.</summary>
public sealed class ChatOptions
{
    public const string Section = "Chat";

    /// <summary>Where embedded mode keeps its files (SQLite databases, keys, blobs).</summary>
    [Required(ErrorMessage = "expected a directory, like ./data.")]
    public string DataDir { get; set; } = "./data";

    /// <summary>
    /// How long a stopping service goes on serving with readiness already false, so load balancers
    /// stop sending it traffic before it stops listening (<see cref="Http.ShutdownDrain"/>).
    /// </summary>
    [AtLeast(0)]
    public double DrainSeconds { get; set; } = 2;

    public string PathFor(string name)
    {
        Directory.CreateDirectory(DataDir);
        return Path.GetFullPath(Path.Combine(DataDir, name));
    }
}
