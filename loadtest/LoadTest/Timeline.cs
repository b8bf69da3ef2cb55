using System.Diagnostics;

namespace Chat.LoadTest;

/// <summary>One second of the run: what was accepted, stored and delivered in it, and the latency of what was sent in it.</summary>
public sealed record TimelinePoint(double Second, int Accepted, int Stored, int Delivered, double P50Ms, double P99Ms);

public static class Timeline
{
    /// <summary>Per second from the first phase's start; latency is POST→WebSocket with sockets, else POST→stored.</summary>
    public static IReadOnlyList<TimelinePoint> Of(LoadRun run)
    {
        int SecondOf(long timestamp) => (int)Stopwatch.GetElapsedTime(run.StartedAt, timestamp).TotalSeconds;
        var delivered = run.Fleet?.Delivered;
        var accepted = run.AllSent.GroupBy(s => SecondOf(s.AcceptedAt)).ToDictionary(g => g.Key, g => g.Count());
        var stored = run.AllSent.Where(s => run.StoredAt.ContainsKey(s.Id)).GroupBy(s => SecondOf(run.StoredAt[s.Id])).ToDictionary(g => g.Key, g => g.Count());
        var reached = delivered is null ? [] : run.AllSent.Where(s => delivered.ContainsKey(s.Id)).GroupBy(s => SecondOf(delivered[s.Id].At)).ToDictionary(g => g.Key, g => g.Count());
        var latency = run.AllSent.GroupBy(s => SecondOf(s.Start)).ToDictionary(g => g.Key, g => g
            .Select(s => delivered is not null
                ? delivered.TryGetValue(s.Id, out var d) ? d.Ms : double.NaN
                : run.StoredAt.TryGetValue(s.Id, out var at) ? Stopwatch.GetElapsedTime(s.Start, at).TotalMilliseconds : double.NaN)
            .Where(ms => !double.IsNaN(ms)).Order().ToArray());
        var last = new[] { accepted, stored, reached }.SelectMany(d => d.Keys).DefaultIfEmpty(0).Max();
        return Enumerable.Range(0, last + 1).Select(second => new TimelinePoint(second, accepted.GetValueOrDefault(second), stored.GetValueOrDefault(second),
            reached.GetValueOrDefault(second), Percentile(latency.GetValueOrDefault(second), 50), Percentile(latency.GetValueOrDefault(second), 99))).ToList();
    }

    public static double Percentile(double[]? sorted, double percentile) =>
        sorted is not { Length: > 0 } ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percentile / 100 * sorted.Length) - 1)];
}
