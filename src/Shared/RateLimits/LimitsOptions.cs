using Chat.Shared.Configuration;

namespace Chat.Shared.RateLimits;

/// <summary>
/// Section <c>Limits</c>: per-user and per-client allowances (issue 16). Each counts what was
/// accepted within a minute from the first counted request; beyond it the answer is 429 (REST) or
/// a <c>rate_limited</c> error frame (WebSocket) until that minute is over.
/// </summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Messages a person may send a minute (a user's own token; clients have their own limit).</summary>
    [AtLeast(1)]
    public int SendPerMinute { get; set; } = 30;

    /// <summary>Conversations a person may create a minute.</summary>
    [AtLeast(1)]
    public int ConversationsPerMinute { get; set; } = 10;

    /// <summary>Messages an integrator client may send a minute, for all the users it acts for together.</summary>
    [AtLeast(1)]
    public int ClientSendPerMinute { get; set; } = 60_000;

    /// <summary>Per-client overrides of <see cref="ClientSendPerMinute"/>: <c>Limits:Clients:{client_id}</c> = messages a minute.</summary>
    public Dictionary<string, int> Clients { get; set; } = [];

    /// <summary>WebSocket frames that reach others (<c>typing</c>, <c>read</c>) a user may send a minute, over all their sockets.</summary>
    [AtLeast(1)]
    public int SocketFramesPerMinute { get; set; } = 120;

    /// <summary>Key claims (<c>POST /v1/keys/claim</c>) one user may make for one other user's devices a minute, so nobody can drain someone's one-time prekeys.</summary>
    [AtLeast(1)]
    public int KeyClaimsPerMinute { get; set; } = 10;

    /// <summary>User searches (<c>GET /v1/users?q=</c>) a caller may make a minute.</summary>
    [AtLeast(1)]
    public int UserSearchPerMinute { get; set; } = 30;

    /// <summary>Where counts live: <c>memory</c> (one process) or <c>redis</c> (shared by every instance); unset, <c>redis</c> when <c>Redis:Configuration</c> is set.</summary>
    public string? Kind { get; set; }

    public int SendLimitOf(Http.Caller caller) =>
        caller.ClientId is { } client ? Clients.GetValueOrDefault(client, ClientSendPerMinute) : SendPerMinute;
}
