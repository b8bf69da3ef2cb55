namespace Chat.LoadTest;

public static class Report
{
    private const double SustainedTargetPerMinute = 100_000, SpikeTargetPerMinute = 200_000;

    public static void Print(LoadOptions options, IReadOnlyList<PhaseResult> results, double? floor, SocketFleet? fleet)
    {
        var sockets = fleet is not null;
        Console.WriteLine();
        Console.WriteLine("| phase | accepted | accepted/s | stored/s | errors | POST→202 p50 / p95 / p99 ms | POST→stored p50 / p95 / p99 ms |" +
                          (sockets ? " delivered/s | POST→WebSocket p50 / p95 / p99 ms |" : ""));
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|" + (sockets ? "---:|---:|" : ""));
        foreach (var r in results)
            Console.WriteLine($"| {r.Phase} | {r.Accepted:N0} | {r.AcceptedPerSecond:N0} | {r.StoredPerSecond:N0} | {r.Errors} | " +
                              $"{Percentiles(r.PostMs)} | {Percentiles(r.StoredMs)} |" +
                              (sockets ? $" {r.DeliveredPerSecond:N0} ({r.Delivered:N0}) | {Percentiles(r.WebSocketMs)} |" : ""));
        var best = results.Where(r => r.Stored == r.Accepted && r.Errors == 0).MaxBy(r => r.AcceptedPerSecond);
        Console.WriteLine();
        if (best is not null)
        {
            var perMinute = Math.Min(best.AcceptedPerSecond, best.StoredPerSecond) * 60;
            if (sockets && best.Delivered < best.Accepted) Console.WriteLine($"Note: only {best.Delivered:N0} of {best.Accepted:N0} reached a socket in that phase.");
            Console.WriteLine($"Best clean phase: {perMinute:N0} messages/min end to end " +
                              $"({perMinute / SustainedTargetPerMinute:0.0}× the 100,000/min sustained target, {perMinute / SpikeTargetPerMinute:0.0}× the 200,000/min spike target).");
        }
        if (floor is { } f)
        {
            Console.WriteLine($"Floor (raw Confluent.Kafka produce, same payloads, same broker): {f:N0} records/s.");
            if (best is not null) Console.WriteLine($"Ratio accepted/s ÷ floor: {best.AcceptedPerSecond / f:P1}.");
        }
        if (fleet is not null)
        {
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            Console.WriteLine($"Sockets open at the end: {fleet.Open:N0}. Process memory: working set {self.WorkingSet64 / 1048576:N0} MiB " +
                              $"(peak {self.PeakWorkingSet64 / 1048576:N0} MiB), managed heap {GC.GetTotalMemory(false) / 1048576:N0} MiB — server and clients together.");
        }
        Console.WriteLine(options.Url is null
            ? "Target: embedded Host in this process, sharing its cores with the load generator."
            : $"Target: {options.Url}.");
    }

    private static string Percentiles(double[] sorted) => $"{P(sorted, 50)} / {P(sorted, 95)} / {P(sorted, 99)}";

    private static string P(double[] sorted, double percentile) =>
        sorted.Length == 0 ? "–" : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(percentile / 100 * sorted.Length) - 1)].ToString("0.0");
}
