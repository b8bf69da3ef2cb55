namespace Chat.LoadTest;

/// <summary>The report's two pictures (ScottPlot, PNG): throughput over time and latency over time.</summary>
public static class Plots
{
    public static void Draw(IReadOnlyList<TimelinePoint> timeline, string directory, string title, bool sockets)
    {
        var seconds = timeline.Select(p => p.Second).ToArray();

        var throughput = new ScottPlot.Plot();
        Line(throughput, seconds, timeline.Select(p => (double)p.Accepted).ToArray(), "accepted/s");
        Line(throughput, seconds, timeline.Select(p => (double)p.Stored).ToArray(), "stored/s");
        if (sockets) Line(throughput, seconds, timeline.Select(p => (double)p.Delivered).ToArray(), "delivered/s");
        throughput.Title($"{title}: throughput");
        throughput.XLabel("seconds into the run");
        throughput.YLabel("messages per second");
        throughput.ShowLegend();
        throughput.SavePng(Path.Combine(directory, "throughput.png"), 900, 420);

        var latency = new ScottPlot.Plot();
        var what = sockets ? "POST→WebSocket" : "POST→stored";
        Line(latency, seconds, timeline.Select(p => p.P50Ms).ToArray(), $"{what} p50");
        Line(latency, seconds, timeline.Select(p => p.P99Ms).ToArray(), $"{what} p99");
        latency.Title($"{title}: latency by second sent");
        latency.XLabel("seconds into the run");
        latency.YLabel("milliseconds");
        latency.ShowLegend();
        latency.SavePng(Path.Combine(directory, "latency.png"), 900, 420);
    }

    private static void Line(ScottPlot.Plot plot, double[] xs, double[] ys, string label)
    {
        // Seconds with nothing to measure (no message sent in them) are left out, not drawn as zero.
        var kept = xs.Select((x, i) => (X: x, Y: ys[i])).Where(p => !double.IsNaN(p.Y)).ToArray();
        var line = plot.Add.ScatterLine(kept.Select(p => p.X).ToArray(), kept.Select(p => p.Y).ToArray());
        line.LegendText = label;
        line.LineWidth = 2;
    }
}
