using Chat.Shared.Configuration;

namespace Chat.Storage;

/// <summary>
/// Section <c>Messages</c>, the part both the Frontend (its pre-check) and the Router (its decision at the
/// change's position) read: how long after it was sent a message may be edited (<see cref="MessageRules"/>).
/// </summary>
public sealed class MessageChangeOptions
{
    public const string Section = "Messages";

    [Positive]
    public TimeSpan EditWindow { get; set; } = TimeSpan.FromHours(48);
}
