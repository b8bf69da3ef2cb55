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
}
