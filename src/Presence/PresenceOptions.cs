using System.ComponentModel.DataAnnotations;
using Chat.Shared.Configuration;

namespace Chat.Presence;

/// <summary>Section <c>Presence</c>.</summary>
public sealed class PresenceOptions
{
    public const string Section = "Presence";

    /// <summary>This gateway node's name in presence records; unique per process.</summary>
    [Required(ErrorMessage = "expected a name unique to this node, like node-1.")]
    public string NodeId { get; set; } = $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>How long a socket's presence record lives without a heartbeat (refreshed every third of it).</summary>
    [Positive]
    public TimeSpan Ttl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a ticket from <c>POST /v1/ws/ticket</c> may wait to open a socket (it opens one, once).</summary>
    [Positive]
    public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A socket that sends nothing (not even a ping) for this long is closed.</summary>
    [Positive]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>WebSocket protocol pings keep intermediaries from dropping a quiet connection.</summary>
    [Positive]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Client frames larger than this are refused with an error frame.</summary>
    [AtLeast(1)]
    public int MaxFrameBytes { get; set; } = 64 * 1024;

    /// <summary>Frames waiting to be written to one socket; a client that falls further behind is disconnected.</summary>
    [AtLeast(1)]
    public int SendQueueLength { get; set; } = 4096;

    /// <summary>Most undelivered messages pushed on connect; the rest come with the next <c>sync</c>.</summary>
    [AtLeast(1)]
    public int BacklogLimit { get; set; } = 10_000;
}
