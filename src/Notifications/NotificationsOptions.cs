using System.ComponentModel.DataAnnotations;
using Chat.Shared;
using Chat.Shared.Configuration;

namespace Chat.Notifications;

/// <summary>Section <c>Notifications</c>.</summary>
public sealed class NotificationsOptions
{
    public const string Section = "Notifications";

    /// <summary>Allow http push endpoints and ones on loopback or private networks (tests and local development only).</summary>
    public bool AllowInsecureTargets { get; set; }

    /// <summary>A conversation's first message pushes at once; those after it within this window make at most one summary at its end.</summary>
    [Positive]
    public TimeSpan CollapseWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait before each attempt of one push, after the previous one; one attempt per entry, then it is dead-lettered.</summary>
    [Delays]
    public string RetrySchedule { get; set; } = "0s,5s,1m,10m,1h";

    /// <summary>How long a push service's breaker stays open once it opens; its pushes wait that long without spending an attempt.</summary>
    [Positive]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    [Positive]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the push service keeps a push for a device that is off (the Web Push TTL header).</summary>
    [Positive]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The VAPID <c>sub</c> claim: how a push service reaches the operator (RFC 8292, section 2.1).</summary>
    [Required(ErrorMessage = "expected a mailto: or https: contact, like mailto:ops@example.com.")]
    public string VapidSubject { get; set; } = "mailto:ops@chat.invalid";

    [Required(ErrorMessage = "expected a consumer group name, like chat-notifications.")]
    public string ConsumerGroup { get; set; } = "chat-notifications";

    /// <summary>FCM HTTP v1: a Google service-account JSON document (or the path of a file holding one); empty: FCM devices cannot be sent to.</summary>
    public string? FcmServiceAccount { get; set; }

    /// <summary>Where FCM's v1 API is (tests point it at a fake).</summary>
    public string FcmBaseUrl { get; set; } = "https://fcm.googleapis.com";

    public IReadOnlyList<TimeSpan> Schedule() => Durations.ParseList(RetrySchedule, "Notifications:RetrySchedule");
}
