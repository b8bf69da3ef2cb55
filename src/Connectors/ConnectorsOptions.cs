using System.ComponentModel.DataAnnotations;
using Chat.Shared;
using Chat.Shared.Configuration;
using Microsoft.Extensions.Options;

namespace Chat.Connectors;

/// <summary>Section <c>Connectors</c>.</summary>
public sealed class ConnectorsOptions
{
    public const string Section = "Connectors";

    /// <summary>Waits before attempts 2, 3, …; one attempt more than delays in all. Jittered ±20 %.</summary>
    [Delays]
    public string RetryDelays { get; set; } = "1s,2s,4s,8s";

    /// <summary>Longest one send may take before it counts as failed.</summary>
    [Positive]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an open breaker refuses calls before it lets one through to test the platform.</summary>
    [Positive]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    [Required(ErrorMessage = "expected a consumer group name, like chat-connectors.")]
    public string ConsumerGroup { get; set; } = "chat-connectors";

    [ValidateObjectMembers] public TelegramOptions Telegram { get; set; } = new();
    [ValidateObjectMembers] public MockPlatformOptions WhatsApp { get; set; } = new();
    [ValidateObjectMembers] public MockPlatformOptions Instagram { get; set; } = new();
    [ValidateObjectMembers] public MockPlatformOptions Messenger { get; set; } = new();

    public IReadOnlyList<TimeSpan> Delays() => Durations.ParseList(RetryDelays, "Connectors:RetryDelays");

    public int MaxAttempts => Delays().Count + 1;
}

public sealed class TelegramOptions
{
    /// <summary>Empty: no Telegram connector runs, and telegram deliveries fail saying so.</summary>
    public string BotToken { get; set; } = "";

    /// <summary>The Bot API server (tests point it at a fake).</summary>
    [Url(ErrorMessage = "expected an http(s) URL, like https://api.telegram.org.")]
    public string BaseUrl { get; set; } = "https://api.telegram.org";

    /// <summary>What Telegram sends in X-Telegram-Bot-Api-Secret-Token (set with setWebhook).</summary>
    public string WebhookSecret { get; set; } = "";
}

/// <summary>A mock platform: pretends to deliver, slowly or unreliably if asked, reproducibly with a seed.</summary>
public sealed class MockPlatformOptions
{
    [AtLeast(0)]
    public int LatencyMs { get; set; }

    [Range(0.0, 1.0, ErrorMessage = "expected a fraction from 0 to 1.")]
    public double FailureRate { get; set; }

    public int? Seed { get; set; }

    /// <summary>Signs inbound webhooks the way Meta does (X-Hub-Signature-256).</summary>
    public string AppSecret { get; set; } = "";
}
