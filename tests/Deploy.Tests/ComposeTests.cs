using System.Reflection;
using System.Text.RegularExpressions;
using Chat.Connectors;
using Chat.Frontend;
using Chat.Presence;
using Chat.Router;
using Chat.Shared;
using Chat.Shared.Http;
using Chat.Shared.Kafka;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Chat.Deploy.Tests;

/// <summary>
/// docker-compose.yml cannot run here (no Docker engine), so it is read against the code instead:
/// every service it builds exists, every setting it passes is a name the code reads, every
/// dependency is defined, and every service says how its health is checked.
/// </summary>
public sealed partial class ComposeTests
{
    public static readonly string Root = RepositoryRoot.Path;
    private static readonly Dictionary<object, object> Compose = Load(Path.Combine(Root, "docker-compose.yml"));
    private static Dictionary<object, object> Services => (Dictionary<object, object>)Compose["services"];

    private static IEnumerable<(string Name, Dictionary<object, object> Service)> ChatServices => Services
        .Select(s => ((string)s.Key, (Dictionary<object, object>)s.Value))
        .Where(s => s.Item2.ContainsKey("build"));

    [Fact]
    public void Every_built_service_is_a_project_under_src()
    {
        Assert.NotEmpty(ChatServices);
        foreach (var (name, service) in ChatServices)
        {
            var args = (Dictionary<object, object>)((Dictionary<object, object>)service["build"])["args"];
            var project = (string)args["SERVICE"];
            Assert.True(File.Exists(Path.Combine(Root, "src", project, $"{project}.csproj")), $"{name} builds src/{project}, which does not exist");
        }
    }

    [Fact]
    public void Every_setting_passed_to_a_service_is_a_configuration_name_the_code_reads()
    {
        foreach (var (name, service) in ChatServices)
            foreach (var key in ((Dictionary<object, object>)service["environment"]).Keys.Cast<string>())
            {
                var setting = key.Replace("__", ":");
                Assert.True(IsKnownConfigurationName(setting), $"{name} sets {key} ({setting}), which no code reads");
            }
    }

    [Fact]
    public void Every_dependency_is_a_defined_service_and_every_service_has_a_health_check_or_runs_once()
    {
        foreach (var (name, value) in Services.Select(s => ((string)s.Key, (Dictionary<object, object>)s.Value)))
        {
            if (value.TryGetValue("depends_on", out var dependsOn))
                foreach (var dependency in ((Dictionary<object, object>)dependsOn).Keys.Cast<string>())
                    Assert.True(Services.ContainsKey(dependency), $"{name} depends on {dependency}, which is not defined");
            Assert.True(value.ContainsKey("healthcheck") || value.TryGetValue("restart", out var restart) && (string)restart == "no",
                $"{name} has no health check");
        }
    }

    [Fact]
    public void Topics_created_for_Kafka_are_the_topics_the_code_uses()
    {
        var command = string.Join("\n", ((List<object>)((Dictionary<object, object>)Services["kafka-topics"])["command"]).Cast<string>());
        Assert.Equal(Topics.All.Order(), TopicList().Match(command).Groups[1].Value.Split(' ').Order());
    }

    /// <summary>
    /// Properties of every options class (Section:Property), plus every "Section:Key" literal in src/,
    /// plus the OpenTelemetry SDK's own OTEL_* variables.
    /// </summary>
    public static bool IsKnownConfigurationName(string setting) =>
        setting.StartsWith("OTEL_", StringComparison.Ordinal) || Known.Value.Contains(setting);

    private static readonly Lazy<HashSet<string>> Known = new(KnownConfigurationNames);

    private static HashSet<string> KnownConfigurationNames()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var options in new[] { typeof(KafkaOptions), typeof(AuthOptions), typeof(ChatOptions), typeof(PresenceOptions), typeof(RouterOptions),
                     typeof(MessagesOptions), typeof(ConnectorsOptions), typeof(Chat.Webhooks.WebhooksOptions),
                     typeof(Chat.Files.FilesOptions), typeof(Chat.Files.ObjectStoreOptions) })
            AddProperties(names, (string)options.GetField("Section")!.GetValue(null)!, options);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories))
            foreach (Match literal in ConfigurationLiteral().Matches(File.ReadAllText(file)))
                names.Add(literal.Groups[1].Value);
        return names;
    }

    /// <summary>Section:Property for each settable property, and nested option classes (Connectors:Telegram:BotToken) likewise.</summary>
    private static void AddProperties(HashSet<string> names, string prefix, Type options)
    {
        foreach (var property in options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            names.Add($"{prefix}:{property.Name}");
            if (property.PropertyType.IsClass && property.PropertyType.Namespace?.StartsWith("Chat", StringComparison.Ordinal) == true)
                AddProperties(names, $"{prefix}:{property.Name}", property.PropertyType);
        }
    }

    private static Dictionary<object, object> Load(string path)
    {
        using var reader = new StreamReader(path);
        return new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
    }

    [GeneratedRegex("\"([A-Z][A-Za-z]+(?::[A-Z][A-Za-z]+)+)\"")]
    private static partial Regex ConfigurationLiteral();

    [GeneratedRegex("for topic in ([a-z. ]+);")]
    private static partial Regex TopicList();
}
