using System.Diagnostics;

namespace Chat.Testing;

/// <summary>Waits for a condition by polling it until a deadline — never by sleeping a guessed time.</summary>
public static class Eventually
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        T last;
        do
        {
            last = await probe();
            if (done(last)) return last;
            await Task.Delay(50);
        } while (clock.Elapsed < timeout);
        throw new TimeoutException($"Gave up after {timeout.TotalSeconds:0.#} s waiting for {what}; last seen: {last}");
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(condition()), done => done, timeout, what);

    /// <summary>
    /// Waits for a count of outstanding work to reach zero, for as long as it keeps falling: gives up
    /// only when it has not fallen for <paramref name="stall"/>. A backlog that drains slowly on a busy
    /// machine passes; one that is stuck (work lost, a worker wedged) fails.
    /// </summary>
    public static async Task UntilNoneLeftAsync(Func<Task<int>> remaining, TimeSpan stall, string what)
    {
        var sinceProgress = Stopwatch.StartNew();
        var total = Stopwatch.StartNew();
        var fewest = int.MaxValue;
        while (true)
        {
            var left = await remaining();
            if (left == 0) return;
            if (left < fewest)
            {
                fewest = left;
                sinceProgress.Restart();
            }
            else if (sinceProgress.Elapsed > stall)
                throw new TimeoutException($"Gave up waiting for {what}: {left} left, none done in the last {stall.TotalSeconds:0.#} s ({total.Elapsed.TotalSeconds:0.#} s in all)");
            await Task.Delay(50);
        }
    }
}
