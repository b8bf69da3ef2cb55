using Chat.Shared;
using Chat.Shared.Http;
using Chat.Shared.RateLimits;
using Microsoft.Extensions.Options;

namespace Chat.Frontend;

/// <summary>
/// The per-person and per-client allowances of the Frontend (docs/api.md, "Limits"), taken only for a
/// request that passed validation, so only accepted sends and creations count.
/// </summary>
internal sealed class Allowances(IRateLimiter limiter, IOptions<LimitsOptions> options)
{
    /// <summary>A person's sends count against their own limit; a client's against its own (higher) one, whoever it acts for.</summary>
    public async Task<Refusal?> TakeSendAsync(Caller caller, CancellationToken ct)
    {
        var limit = options.Value.SendLimitOf(caller);
        var decision = await limiter.TryAcquireAsync(RateLimitExtensions.SendKey(caller), limit, RateLimitExtensions.Minute, ct);
        if (decision.Allowed) return null;
        var (name, whose) = caller.IsClient
            ? (options.Value.Clients.ContainsKey(caller.ClientId!) ? $"Limits:Clients:{caller.ClientId}" : "Limits:ClientSendPerMinute", "This client")
            : ("Limits:SendPerMinute", "You");
        return new Refusal.RateLimited(name, "from",
            $"{whose} may send {limit} messages a minute ({name}); nothing was accepted. Retry after the seconds Retry-After gives.", decision);
    }

    /// <summary>For a send the broker then refused: it was not accepted, so it does not count.</summary>
    public Task GiveBackSendAsync(Caller caller) => limiter.ReleaseAsync(RateLimitExtensions.SendKey(caller), CancellationToken.None);

    /// <summary>Only people have a creation limit; clients are held by their send limit and the gateway.</summary>
    public async Task<Refusal?> TakeConversationAsync(Caller caller, CancellationToken ct)
    {
        if (caller.IsClient) return null;
        var limit = options.Value.ConversationsPerMinute;
        var decision = await limiter.TryAcquireAsync("conversations:user:" + caller.Subject, limit, RateLimitExtensions.Minute, ct);
        return decision.Allowed
            ? null
            : new Refusal.RateLimited("Limits:ConversationsPerMinute", "members",
                $"You may create {limit} conversations a minute (Limits:ConversationsPerMinute); none was created. Retry after the seconds Retry-After gives.", decision);
    }

    /// <summary>For a creation that found the direct conversation existing: nothing was created.</summary>
    public Task GiveBackConversationAsync(Caller caller) =>
        caller.IsClient ? Task.CompletedTask : limiter.ReleaseAsync("conversations:user:" + caller.Subject, CancellationToken.None);
}
