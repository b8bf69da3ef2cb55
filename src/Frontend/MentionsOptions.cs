using Chat.Shared.Configuration;

namespace Chat.Frontend;

/// <summary>Section <c>Mentions</c> (issue 25).</summary>
public sealed class MentionsOptions
{
    public const string Section = "Mentions";

    /// <summary>In a group of more members than this, only its owner and admins may mention <c>@all</c>.</summary>
    [AtLeast(1)]
    public int AllLimit { get; set; } = 50;

    /// <summary>How many entries <c>payload.mentions</c> may have.</summary>
    [AtLeast(1)]
    public int MaxMentions { get; set; } = 50;
}
