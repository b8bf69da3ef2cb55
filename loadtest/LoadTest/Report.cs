using System.Globalization;

namespace Chat.LoadTest;

/// <summary>What the run came to: printed, and written with its plots to the report directory.</summary>
public static class Report
{
    private const double SustainedTargetPerMinute = 100_000, SpikeTargetPerMinute = 200_000;

    /// <summary>The measured floors of this run: raw Kafka produce (records/s) and the no-op HTTP endpoint (messages/s).</summary>
    public sealed record Floors(double? KafkaProduce, double? Http);

    public static void Write(LoadOptions options, LoadRun run, IReadOnlyList<PhaseResult> results, Floors floors, IReadOnlyList<string> gaps)
    {
        var lines = Lines(options, results, floors, run.Fleet, gaps);
        Console.WriteLine();
        foreach (var line in lines) Console.WriteLine(line);

        var directory = options.ReportDir
            ?? Path.Combine("loadtest", "reports", $"{options.Scenario}-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
        Directory.CreateDirectory(directory);
        var title = $"{options.Scenario}{(options.Batch > 1 ? $", batches of {options.Batch}" : "")}{(options.Sockets > 0 ? $", {options.Sockets:N0} sockets" : "")}";
        Plots.Draw(Timeline.Of(run), directory, title, run.Fleet is not null);
        File.WriteAllLines(Path.Combine(directory, "report.md"),
            [$"# Load test: {title}", "", $"`{string.Join(' ', Environment.GetCommandLineArgs().Skip(1))}`", "", .. lines, "",
             "![throughput over time](throughput.png)", "", "![latency over time](latency.png)"]);
        Console.WriteLine($"Report: {Path.GetFullPath(directory)}/report.md (with throughput.png and latency.png)");
    }

    private static List<string> Lines(LoadOptions options, IReadOnlyList<PhaseResult> results, Floors floors, SocketFleet? fleet, IReadOnlyList<string> gaps)
    {
        var sockets = fleet is not null;
        var lines = new List<string>
        {
            "| phase | accepted | accepted/s | stored/s | errors | POST→202 p50 / p95 / p99 ms | POST→stored p50 / p95 / p99 ms |" +
            (sockets ? " delivered/s | POST→WebSocket p50 / p95 / p99 ms |" : ""),
            "|---|---:|---:|---:|---:|---:|---:|" + (sockets ? "---:|---:|" : ""),
        };
        lines.AddRange(results.Select(r => $"| {r.Phase} | {r.Accepted:N0} | {r.AcceptedPerSecond:N0} | {r.StoredPerSecond:N0} | {r.Errors} | " +
                                           $"{Percentiles(r.PostMs)} | {Percentiles(r.StoredMs)} |" +
                                           (sockets ? $" {r.DeliveredPerSecond:N0} ({r.Delivered:N0}) | {Percentiles(r.WebSocketMs)} |" : "")));
        lines.Add("");
        var best = results.Where(r => r.Stored == r.Accepted && r.Errors == 0).MaxBy(r => r.AcceptedPerSecond);
        if (best is not null)
        {
            var perMinute = Math.Min(best.AcceptedPerSecond, best.StoredPerSecond) * 60;
            lines.Add($"Best clean phase: {perMinute:N0} messages/min end to end " +
                      $"({perMinute / SustainedTargetPerMinute:0.0}× the 100,000/min sustained target, {perMinute / SpikeTargetPerMinute:0.0}× the 200,000/min spike target).");
        }
        if (floors.Http is { } http)
        {
            lines.Add($"HTTP floor (the same requests, same {options.Connections} connections, to a no-op Kestrel endpoint in this run): {http:N0} messages/s.");
            if (results.MaxBy(r => r.AcceptedPerSecond) is { } fastest)
                lines.Add($"Ratio to the HTTP floor: {fastest.AcceptedPerSecond / http:0.00} (fastest phase, {fastest.Phase}: {fastest.AcceptedPerSecond:N0} accepted/s).");
        }
        if (floors.KafkaProduce is { } kafka) lines.Add($"Kafka floor (raw Confluent.Kafka produce, same payloads, same broker): {kafka:N0} records/s.");
        if (fleet is not null)
        {
            using var self = System.Diagnostics.Process.GetCurrentProcess();
            lines.Add($"Sockets open at the end: {fleet.Open:N0}. Process memory: working set {self.WorkingSet64 / 1048576:N0} MiB " +
                      $"(peak {self.PeakWorkingSet64 / 1048576:N0} MiB), managed heap {GC.GetTotalMemory(false) / 1048576:N0} MiB — server and clients together.");
        }
        lines.Add(options.Url is null
            ? "Target: embedded Host in this process, sharing its cores with the load generator" + (options.Batch > 1 ? $"; POST /v1/messages/batch, {options.Batch} a request." : ".")
            : $"Target: {options.Url}" + (options.Batch > 1 ? $"; POST /v1/messages/batch, {options.Batch} a request." : "."));
        if (options.Settings is { Count: > 0 } settings) lines.Add($"Settings: {string.Join(", ", settings.Select(s => $"{s.Key}={s.Value}"))}.");
        lines.AddRange(gaps.Count == 0 ? ["Every accepted message was stored" + (sockets ? " and reached its socket." : ".")] : gaps.Select(g => "GAP: " + g));
        return lines;
    }

    private static string Percentiles(double[] sorted) => $"{P(sorted, 50)} / {P(sorted, 95)} / {P(sorted, 99)}";

    private static string P(double[] sorted, double percentile) => Timeline.Percentile(sorted, percentile) is var v && double.IsNaN(v) ? "–" : v.ToString("0.0", CultureInfo.InvariantCulture);
}
