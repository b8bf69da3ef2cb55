using Chat.Shared.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Chat.Auth;

/// <summary>
/// Refuses logins for a username, or from an address, that failed too often lately: after
/// <see cref="AuthOptions.LoginFailuresPerUsername"/> (or per address) failures within the lockout,
/// 429 until it has passed. Per process: each Auth instance counts its own.
/// </summary>
internal sealed class LoginThrottle(IMemoryCache cache, IOptions<AuthOptions> options, TimeProvider clock)
{
    private sealed class Failures
    {
        public int Count;
        public DateTimeOffset Until;
    }

    /// <summary>How long this login must wait, or null if it may proceed.</summary>
    public TimeSpan? RetryAfter(string username, string? address)
    {
        var now = clock.GetUtcNow();
        var wait = new[] { Blocked("user:" + username, options.Value.LoginFailuresPerUsername), Blocked("addr:" + address, options.Value.LoginFailuresPerAddress) }
            .Where(u => u > now).Select(u => u - now).DefaultIfEmpty(TimeSpan.Zero).Max();
        return wait > TimeSpan.Zero ? wait : null;
    }

    public void Failed(string username, string? address)
    {
        Count("user:" + username);
        Count("addr:" + address);
    }

    public void Succeeded(string username) => cache.Remove("login-failures:user:" + username);

    private DateTimeOffset Blocked(string key, int limit) =>
        cache.TryGetValue("login-failures:" + key, out Failures? f) && f!.Count >= limit ? f.Until : DateTimeOffset.MinValue;

    private void Count(string key)
    {
        var failures = cache.GetOrCreate("login-failures:" + key, e =>
        {
            e.AbsoluteExpirationRelativeToNow = options.Value.LoginLockout;
            return new Failures();
        })!;
        lock (failures)
        {
            failures.Count++;
            failures.Until = clock.GetUtcNow() + options.Value.LoginLockout;
        }
    }
}
