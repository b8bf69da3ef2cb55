namespace Chat.Shared.RateLimits;

/// <summary>Counts in this process's memory: embedded mode, where there is one of each service.</summary>
internal sealed class InProcessRateLimiter(TimeProvider clock) : IRateLimiter
{
    private readonly Dictionary<string, (int Count, DateTimeOffset Ends)> _windows = [];

    public Task<RateDecision> TryAcquireAsync(string key, int limit, TimeSpan window, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        lock (_windows)
        {
            if (_windows.Count > 100_000) Sweep(now);
            if (!_windows.TryGetValue(key, out var current) || current.Ends <= now) current = (0, now + window);
            var allowed = current.Count < limit;
            if (allowed) _windows[key] = current = (current.Count + 1, current.Ends);
            return Task.FromResult(new RateDecision(allowed, limit, Math.Max(0, limit - current.Count), current.Ends - now));
        }
    }

    public Task ReleaseAsync(string key, CancellationToken cancellationToken = default)
    {
        lock (_windows)
            if (_windows.TryGetValue(key, out var current) && current.Count > 0) _windows[key] = (current.Count - 1, current.Ends);
        return Task.CompletedTask;
    }

    /// <summary>Forgets windows that are over, so memory holds only the last minute's keys.</summary>
    private void Sweep(DateTimeOffset now)
    {
        foreach (var ended in _windows.Where(w => w.Value.Ends <= now).Select(w => w.Key).ToList()) _windows.Remove(ended);
    }
}
