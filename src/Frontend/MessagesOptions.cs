using Chat.Shared.Configuration;

namespace Chat.Frontend;

/// <summary>Section <c>Messages</c>: limits on what a client may send.</summary>
public sealed class MessagesOptions
{
    public const string Section = "Messages";

    [AtLeast(1)]
    public int MaxTextLength { get; set; } = 4096;

    [AtLeast(1)]
    public int MaxRecipients { get; set; } = 1000;

    /// <summary>Requests larger than this are refused with 413 before they are parsed.</summary>
    [AtLeast(1)]
    public long MaxRequestBytes { get; set; } = 64 * 1024;

    /// <summary><c>POST /v1/messages/batch</c>: at most this many messages in one request.</summary>
    [AtLeast(1)]
    public int MaxBatchSize { get; set; } = 100;

    /// <summary>A batch request larger than this is refused with 413 before it is parsed.</summary>
    [AtLeast(1)]
    public long MaxBatchRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>How long the Frontend remembers an id it accepted, to answer "accepted" before the Router stored it.</summary>
    [Positive]
    public TimeSpan AcceptedMemory { get; set; } = TimeSpan.FromMinutes(10);
}
