namespace Chat.Shared.RateLimits;

/// <summary>
/// Counts uses of an allowance per key over a window that starts at the key's first counted use.
/// A refused attempt is not counted, so only what was accepted uses the allowance. Shared by every
/// instance in distributed mode (Redis), so the limit holds however many Frontends there are.
/// </summary>
public interface IRateLimiter
{
    Task<RateDecision> TryAcquireAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken = default);

    /// <summary>Gives back one use taken by <see cref="TryAcquireAsync"/> for something that was not done after all (the broker refused it).</summary>
    Task ReleaseAsync(string key, CancellationToken cancellationToken = default);
}

/// <param name="Reset">How long until the window ends and the allowance is whole again.</param>
public sealed record RateDecision(bool Allowed, int Limit, int Remaining, TimeSpan Reset);
