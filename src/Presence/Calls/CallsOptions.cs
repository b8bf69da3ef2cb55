using Chat.Shared.Configuration;

namespace Chat.Presence.Calls;

/// <summary>Section <c>Calls</c>.</summary>
public sealed class CallsOptions
{
    public const string Section = "Calls";

    /// <summary>How long a call rings unanswered before it ends as <c>missed</c>.</summary>
    [Positive]
    public TimeSpan RingTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>The secret shared with the TURN server (coturn's <c>static-auth-secret</c> with <c>use-auth-secret</c>); empty: no TURN credentials.</summary>
    public string TurnSecret { get; set; } = "";

    /// <summary>The TURN/STUN URIs handed out with credentials (<c>turn:turn.example.com:3478?transport=udp</c>, …).</summary>
    public List<string> TurnUris { get; set; } = [];

    /// <summary>How long TURN credentials stay valid.</summary>
    [Positive]
    public TimeSpan TurnCredentialLifetime { get; set; } = TimeSpan.FromHours(12);
}
