using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Chat.Deploy.Tests;

/// <summary>
/// Alert rules pass Prometheus' own checker (promtool, from Debian's prometheus package), and every
/// metric a rule or a dashboard queries is one the services export.
/// </summary>
public sealed partial class MonitoringTests
{
    private static readonly string Deploy = Path.Combine(ComposeTests.Root, "deploy");

    [Fact]
    public void Alert_rules_and_the_Prometheus_config_pass_promtool()
    {
        var (code, output) = Run(TestServers.Promtool, "check", "config", Path.Combine(Deploy, "prometheus", "prometheus.yml"));
        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS", output);
        var alerts = File.ReadAllText(Path.Combine(Deploy, "prometheus", "alerts.yaml"));
        foreach (var alert in new[] { "ChatHighErrorRate", "ChatSlowRequests", "ChatConsumerLagHigh", "ChatStoreUnavailable" })
            Assert.Contains($"alert: {alert}", alerts);
    }

    [Fact]
    public void Dashboards_are_valid_JSON_whose_queries_name_exported_metrics()
    {
        var exported = ExportedMetricNames();
        var dashboards = Directory.GetFiles(Path.Combine(Deploy, "grafana", "dashboards"), "*.json");
        Assert.Equal(3, dashboards.Length);
        foreach (var file in dashboards)
        {
            var dashboard = JsonNode.Parse(File.ReadAllText(file))!;
            var expressions = dashboard["panels"]!.AsArray().SelectMany(p => p!["targets"]!.AsArray()).Select(t => t!["expr"]!.GetValue<string>()).ToList();
            Assert.NotEmpty(expressions);
            foreach (var metric in expressions.SelectMany(MetricsIn))
                Assert.True(exported.Contains(metric), $"{Path.GetFileName(file)} queries {metric}, which no service exports");
        }
    }

    [Fact]
    public void Alert_rules_name_exported_metrics()
    {
        var exported = ExportedMetricNames();
        var metrics = MetricsIn(File.ReadAllText(Path.Combine(Deploy, "prometheus", "alerts.yaml"))).ToList();
        Assert.NotEmpty(metrics);
        foreach (var metric in metrics) Assert.True(exported.Contains(metric), $"alerts.yaml uses {metric}, which no service exports");
    }

    private static IEnumerable<string> MetricsIn(string expression) => MetricName().Matches(expression).Select(m => m.Value).Distinct();

    /// <summary>
    /// The Prometheus names of every instrument the code creates on the Chat meter (dots become
    /// underscores; counters gain _total; histograms their unit and _bucket, _sum, _count), plus
    /// ASP.NET Core's request duration.
    /// </summary>
    private static HashSet<string> ExportedMetricNames()
    {
        var names = new HashSet<string>();
        void AddHistogram(string name) { foreach (var suffix in new[] { "_bucket", "_sum", "_count" }) names.Add(name + suffix); }
        AddHistogram("http_server_request_duration_seconds");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(ComposeTests.Root, "src"), "*.cs", SearchOption.AllDirectories))
            foreach (Match m in Instrument().Matches(File.ReadAllText(file)))
            {
                var name = m.Groups["name"].Value.Replace('.', '_');
                switch (m.Groups["kind"].Value)
                {
                    case "Counter" or "ObservableCounter": names.Add(name + "_total"); break;
                    case "Histogram": AddHistogram(name + (m.Groups["unit"].Value == "s" ? "_seconds" : "")); break;
                    default: names.Add(name); break;
                }
            }
        Assert.Contains("chat_messages_accepted_total", names); // the scan found the code's instruments
        return names;
    }

    internal static (int Code, string Output) Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    [GeneratedRegex(@"\b(chat_[a-z_]+|http_server_[a-z_]+)\b")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"Create(?<kind>Counter|UpDownCounter|Histogram|ObservableGauge|ObservableCounter|ObservableUpDownCounter)(?:<\w+>)?\(\s*""(?<name>chat\.[a-z_.]+)""(?:\s*,\s*""(?<unit>\w+)"")?")]
    private static partial Regex Instrument();
}
