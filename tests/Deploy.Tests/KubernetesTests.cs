using YamlDotNet.RepresentationModel;

namespace Chat.Deploy.Tests;

/// <summary>
/// deploy/kubernetes cannot be applied here (no cluster), so it is read against the code and the
/// rules operators rely on: every service a Deployment with probes, resources and a Service; the
/// settings are names the code reads; Frontend and Router autoscale; critical services keep two up.
/// </summary>
public sealed class KubernetesTests
{
    private static readonly string Folder = Path.Combine(ComposeTests.Root, "deploy", "kubernetes");

    private static readonly string[] Services = ["auth", "frontend", "router", "presence", "files", "connectors", "webhooks", "notifications", "keys", "media"];

    /// <summary>Every document of every manifest, parsed as YAML (a syntax error fails here).</summary>
    private static List<YamlMappingNode> Documents()
    {
        var documents = new List<YamlMappingNode>();
        foreach (var file in Directory.GetFiles(Folder, "*.yaml"))
        {
            var stream = new YamlStream();
            using var reader = new StreamReader(file);
            stream.Load(reader);
            documents.AddRange(stream.Documents.Select(d => (YamlMappingNode)d.RootNode));
        }
        return documents;
    }

    private static string Text(YamlNode node, params string[] path)
    {
        foreach (var key in path) node = ((YamlMappingNode)node)[key];
        return ((YamlScalarNode)node).Value!;
    }

    private static IEnumerable<YamlMappingNode> OfKind(string kind) => Documents().Where(d => d.Children.ContainsKey("kind") && Text(d, "kind") == kind);

    [Fact]
    public void Every_service_is_a_Deployment_with_probes_resources_and_a_Service()
    {
        var deployments = OfKind("Deployment").ToDictionary(d => Text(d, "metadata", "name"));
        var services = OfKind("Service").Select(s => Text(s, "metadata", "name")).ToHashSet();
        foreach (var name in Services)
        {
            Assert.True(deployments.ContainsKey(name), $"no Deployment for {name}");
            Assert.Contains(name, services);
            var container = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)deployments[name]["spec"])["template"]["spec"]["containers"])[0];
            Assert.Equal("/health/live", Text(container, "livenessProbe", "httpGet", "path"));
            Assert.Equal("/health/ready", Text(container, "readinessProbe", "httpGet", "path"));
            Assert.Equal("/health/live", Text(container, "startupProbe", "httpGet", "path"));
            foreach (var bound in new[] { "requests", "limits" })
                foreach (var resource in new[] { "cpu", "memory" })
                    Assert.False(string.IsNullOrEmpty(Text(container, "resources", bound, resource)), $"{name} has no {bound}.{resource}");
            Assert.True(File.Exists(Path.Combine(ComposeTests.Root, "src", char.ToUpperInvariant(name[0]) + name[1..], $"{char.ToUpperInvariant(name[0]) + name[1..]}.csproj")),
                $"{name} is not a service under src/");
        }
    }

    [Fact]
    public void Settings_in_the_ConfigMap_and_Secret_are_names_the_code_reads()
    {
        var settings = OfKind("ConfigMap").Concat(OfKind("Secret"))
            .SelectMany(d => ((YamlMappingNode)(d.Children.ContainsKey("data") ? d["data"] : d["stringData"])).Children.Keys.Cast<YamlScalarNode>())
            .Select(k => k.Value!).ToList();
        Assert.NotEmpty(settings);
        foreach (var key in settings)
            Assert.True(ComposeTests.IsKnownConfigurationName(key.Replace("__", ":")), $"{key} is not a configuration name the code reads");
    }

    [Fact]
    public void Frontend_and_Router_autoscale_and_critical_services_keep_two_pods_through_disruptions()
    {
        var scaled = OfKind("HorizontalPodAutoscaler").Select(h => Text(h, "spec", "scaleTargetRef", "name")).ToHashSet();
        Assert.Superset(new HashSet<string> { "frontend", "router" }, scaled);
        var budgets = OfKind("PodDisruptionBudget").ToDictionary(p => Text(p, "spec", "selector", "matchLabels", "app.kubernetes.io/name"), p => Text(p, "spec", "minAvailable"));
        foreach (var critical in new[] { "frontend", "router", "presence" })
            Assert.Equal("2", budgets[critical]);
        // A budget of two needs more than two replicas, or every drain would stall.
        foreach (var deployment in OfKind("Deployment").Where(d => budgets.ContainsKey(Text(d, "metadata", "name"))))
            Assert.True(int.Parse(Text(deployment, "spec", "replicas")) > 2, $"{Text(deployment, "metadata", "name")} runs too few replicas for its budget");
    }
}
