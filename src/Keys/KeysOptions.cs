using Chat.Shared.Configuration;

namespace Chat.Keys;

/// <summary>Section <c>Keys</c>.</summary>
public sealed class KeysOptions
{
    public const string Section = "Keys";

    /// <summary>A claim that leaves a device with fewer one-time prekeys than this tells its owner's sockets (<c>keys.low</c>).</summary>
    [AtLeast(1)]
    public int LowWatermark { get; set; } = 10;

    /// <summary>How long a rotated-out signed prekey is kept (and listed) after its successor was published.</summary>
    [Positive]
    public TimeSpan SignedPrekeyGrace { get; set; } = TimeSpan.FromDays(7);

    /// <summary>One-time prekeys one upload may carry.</summary>
    [AtLeast(1)]
    public int MaxPrekeysPerUpload { get; set; } = 100;
}
