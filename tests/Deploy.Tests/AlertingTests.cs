using YamlDotNet.RepresentationModel;

namespace Chat.Deploy.Tests;

/// <summary>
/// Every alert rule is proven to fire by a promtool unit test (deploy/prometheus/alerts.test.yaml),
/// and the Alertmanager config passes amtool, routes by severity and silences what a broker or
/// MongoDB outage brings about (deploy/alertmanager/alertmanager.yml).
/// </summary>
public sealed partial class AlertingTests
{
    private static readonly string Deploy = Path.Combine(ComposeTests.Root, "deploy");
    private static readonly string Alertmanager = Path.Combine(Deploy, "alertmanager", "alertmanager.yml");

    [Fact]
    public void Every_alert_rule_fires_in_a_promtool_unit_test_and_the_tests_pass()
    {
        var tests = Path.Combine(Deploy, "prometheus", "alerts.test.yaml");
        var (code, output) = MonitoringTests.Run(TestServers.Promtool, "test", "rules", tests);
        Assert.True(code == 0, output);

        var fired = Load(tests)["tests"].AllNodes.OfType<YamlMappingNode>()
            .Where(n => n.Children.ContainsKey("alertname") && ((YamlSequenceNode)n["exp_alerts"]).Children.Count > 0)
            .Select(n => ((YamlScalarNode)n["alertname"]).Value!).ToHashSet();
        var untested = AlertNames().Except(fired).ToList();
        Assert.True(untested.Count == 0, $"alerts.yaml rules no test in alerts.test.yaml makes fire: {string.Join(", ", untested)}");
    }

    [Fact]
    public void Alertmanager_config_passes_amtool_and_routes_pages_to_the_on_call_and_tickets_to_email()
    {
        var (code, output) = MonitoringTests.Run(TestServers.Amtool, "check-config", Alertmanager);
        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS", output);

        Assert.Equal("oncall", Route("severity=page", "alertname=ChatBrokerUnavailable"));
        Assert.Equal("team-email", Route("severity=ticket", "alertname=ChatWebhookFailures"));
        // Every alert has a severity the routes know.
        var severities = Load(Path.Combine(Deploy, "prometheus", "alerts.yaml")).AllNodes.OfType<YamlMappingNode>()
            .Where(n => n.Children.ContainsKey("alert")).Select(n => ((YamlScalarNode)n["labels"]["severity"]).Value).ToHashSet();
        Assert.Equal(["page", "ticket"], severities.Order());
    }

    [Fact]
    public void A_broker_outage_silences_the_lag_alerts_it_causes_and_inhibition_names_only_real_alerts()
    {
        var rules = ((YamlSequenceNode)Load(Alertmanager)["inhibit_rules"]).Children.Cast<YamlMappingNode>()
            .Select(r => (Source: Matchers(r, "source_matchers"), Target: Matchers(r, "target_matchers"))).ToList();
        Assert.Contains(rules, r => r.Source.Contains("alertname=\"ChatBrokerUnavailable\"") && r.Target.Contains("ChatConsumerLagHigh"));

        var alerts = AlertNames();
        foreach (var name in rules.SelectMany(r => AlertNameIn().Matches(r.Source + r.Target)).Select(m => m.Value))
            Assert.True(alerts.Contains(name), $"alertmanager.yml inhibits with {name}, which is no alert in alerts.yaml");
    }

    [Fact]
    public void Every_alert_has_a_runbook_section()
    {
        var runbook = File.ReadAllLines(Path.Combine(ComposeTests.Root, "docs", "runbook.md"));
        foreach (var alert in AlertNames())
            Assert.True(runbook.Contains($"### {alert}"), $"docs/runbook.md has no \"### {alert}\" section");
    }

    [Fact]
    public void Prometheus_and_compose_send_alerts_to_Alertmanager()
    {
        Assert.Contains("alertmanager:9093", File.ReadAllText(Path.Combine(Deploy, "prometheus", "prometheus.yml")));
        var compose = File.ReadAllText(Path.Combine(ComposeTests.Root, "docker-compose.yml"));
        Assert.Contains("./deploy/alertmanager:/etc/alertmanager:ro", compose);
    }

    private static string Route(params string[] labels)
    {
        var (code, output) = MonitoringTests.Run(TestServers.Amtool, ["config", "routes", "test", $"--config.file={Alertmanager}", .. labels]);
        Assert.True(code == 0, output);
        // amtool prints the receivers on stdout (its warning about --config.file goes to stderr, after).
        return output.Split('\n')[0].Trim();
    }

    private static string Matchers(YamlMappingNode rule, string key) =>
        string.Join(",", ((YamlSequenceNode)rule[key]).Children.Cast<YamlScalarNode>().Select(s => s.Value));

    internal static HashSet<string> AlertNames() => Load(Path.Combine(Deploy, "prometheus", "alerts.yaml")).AllNodes.OfType<YamlMappingNode>()
        .Where(n => n.Children.ContainsKey("alert")).Select(n => ((YamlScalarNode)n["alert"]).Value!).ToHashSet();

    private static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    [System.Text.RegularExpressions.GeneratedRegex("Chat[A-Z][A-Za-z]+")]
    private static partial System.Text.RegularExpressions.Regex AlertNameIn();
}
