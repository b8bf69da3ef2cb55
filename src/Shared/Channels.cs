namespace Chat.Shared;

/// <summary>The channel names of the public contract (docs/api.md, "Channels and connectors").</summary>
public static class Channels
{
    public const string App = "app";
    public static readonly IReadOnlySet<string> Supported = new HashSet<string>(["app", "telegram", "whatsapp", "instagram", "messenger"]);
}
