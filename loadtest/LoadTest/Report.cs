namespace Chat.LoadTest;

public static class Report
{
    private const double SustainedTargetPerMinute = 100_000, SpikeTargetPerMinute = 200_000;

    public static void Print(LoadOptions options, IReadOnlyList<PhaseResult> results, double? floor)
    {
        Console.WriteLine();
        Console.WriteLine("| phase | accepted | accepted/s | stored/s | errors | POST→202 p50 / p95 / p99 ms | POST→stored p50 / p95 / p99 ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
            Console.WriteLine($"| {r.Phase} | {r.Accepted:N0} | {r.AcceptedPerSecond:N0} | {r.StoredPerSecond:N0} | {r.Errors} | " +
                              $"{P(r.PostMs, 50)} / {P(r.PostMs, 95)} / {P(r.PostMs, 99)} | {P(r.StoredMs, 50)} / {P(r.StoredMs, 95)} / {P(r.StoredMs, 99)} |");
        var best = results.Where(r => r.Stored == r.Accepted && r.Errors == 0).MaxBy(r => r.AcceptedPerSecond);
        Console.WriteLine();
        if (best is not null)
        {
            var perMinute = Math.Min(best.AcceptedPerSecond, best.StoredPerSecond) * 60;
            Console.WriteLine($"Best clean phase: {perMinute:N0} messages/min end to end " +
                              $"({perMinute / SustainedTargetPerMinute:0.0}× the 100,000/min sustained target, {perMinute / SpikeTargetPerMinute:0.0}× the 200,000/min spike target).");
        }
        if (floor is { } f)
        {
            Console.WriteLine($"Floor (raw Confluent.Kafka produce, same payloads, same broker): {f:N0} records/s.");
            if (best is not null) Console.WriteLine($"Ratio accepted/s ÷ floor: {best.AcceptedPerSecond / f:P1}.");
        }
        Console.WriteLine(options.Url is null
            ? "Target: embedded Host in this process, sharing its cores with the load generator."
            : $"Target: {options.Url}.");
    }

    private static string P(double[] sorted, double percentile) =>
        sorted.Length == 0 ? "–" : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percentile / 100 * sorted.Length) - 1)].ToString("0.0");
}
