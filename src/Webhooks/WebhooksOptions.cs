using System.ComponentModel.DataAnnotations;
using Chat.Shared;
using Chat.Shared.Configuration;

namespace Chat.Webhooks;

/// <summary>Section <c>Webhooks</c>.</summary>
public sealed class WebhooksOptions
{
    public const string Section = "Webhooks";

    /// <summary>The wait before each attempt, after the previous one (the first is usually immediate); one attempt per entry.</summary>
    [Delays]
    public string RetrySchedule { get; set; } = "0s,5s,5m,30m,2h,5h,10h,10h";

    /// <summary>Allow endpoints on private networks (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) and link-local addresses.</summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>Allow endpoints on loopback (tests and local development only).</summary>
    public bool AllowLoopbackTargets { get; set; }

    /// <summary>Requests in flight to one endpoint at a time; others wait their turn, other endpoints do not.</summary>
    [AtLeast(1)]
    public int ConcurrencyPerEndpoint { get; set; } = 4;

    [Positive]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>After this many failures in a row an endpoint rests for <see cref="EndpointCooldown"/>: its deliveries wait, nothing else does.</summary>
    [AtLeast(1)]
    public int FailuresBeforeCooldown { get; set; } = 5;

    [Positive]
    public TimeSpan EndpointCooldown { get; set; } = TimeSpan.FromSeconds(30);

    [Required(ErrorMessage = "expected a consumer group name, like chat-webhooks.")]
    public string ConsumerGroup { get; set; } = "chat-webhooks";

    /// <summary>The consumer group on chat.conversations (conversation.updated).</summary>
    [Required(ErrorMessage = "expected a consumer group name, like chat-webhooks-conversations.")]
    public string ConversationsConsumerGroup { get; set; } = "chat-webhooks-conversations";

    public IReadOnlyList<TimeSpan> Schedule() => Durations.ParseList(RetrySchedule, "Webhooks:RetrySchedule");
}
