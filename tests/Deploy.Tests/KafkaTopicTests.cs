using Chat.Shared.Kafka;
using YamlDotNet.RepresentationModel;

namespace Chat.Deploy.Tests;

/// <summary>
/// deploy/kubernetes/kafka declares Kafka for production on Strimzi: every topic the code uses is a
/// KafkaTopic, none other, each replicated three times with two in sync — what makes the
/// producer's acks=all mean "on two brokers" — and the cluster refuses to invent topics.
/// </summary>
public sealed class KafkaTopicTests
{
    private static readonly string Folder = Path.Combine(ComposeTests.Root, "deploy", "kubernetes", "kafka");

    private static List<YamlMappingNode> Documents(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Folder, file));
        stream.Load(reader);
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static string Text(YamlNode node, params string[] path)
    {
        foreach (var key in path) node = ((YamlMappingNode)node)[key];
        return ((YamlScalarNode)node).Value!;
    }

    [Fact]
    public void Every_topic_the_code_uses_is_a_KafkaTopic_with_three_replicas_and_two_in_sync()
    {
        var topics = Documents("topics.yaml").Where(d => Text(d, "kind") == "KafkaTopic").ToList();
        Assert.Equal(Topics.All.Order(), topics.Select(t => Text(t, "spec", "topicName")).Order());
        foreach (var topic in topics)
        {
            var name = Text(topic, "spec", "topicName");
            Assert.Equal("chat-kafka", Text(topic, "metadata", "labels", "strimzi.io/cluster"));
            Assert.True(Text(topic, "spec", "replicas") == "3", $"{name}: replicas should be 3");
            Assert.True(Text(topic, "spec", "config", "min.insync.replicas") == "2", $"{name}: min.insync.replicas should be 2");
            Assert.True(int.Parse(Text(topic, "spec", "partitions")) > 0, $"{name} has no partitions");
            Assert.True(long.Parse(Text(topic, "spec", "config", "retention.ms")) > 0, $"{name} says no retention");
        }
        // Keyed by conversation, as chat.messages: the same partition count keeps one conversation's events on one partition number.
        var partitions = topics.ToDictionary(t => Text(t, "spec", "topicName"), t => Text(t, "spec", "partitions"));
        Assert.Equal(partitions[Topics.Messages], partitions[Topics.Status]);
        Assert.Equal(partitions[Topics.Messages], partitions[Topics.Receipts]);
    }

    [Fact]
    public void The_cluster_has_three_brokers_replicates_by_default_as_the_topics_do_and_creates_no_topics()
    {
        var documents = Documents("cluster.yaml");
        var kafka = documents.Single(d => Text(d, "kind") == "Kafka");
        var pool = documents.Single(d => Text(d, "kind") == "KafkaNodePool");
        Assert.Equal("3", Text(pool, "spec", "replicas"));
        Assert.Equal("3", Text(kafka, "spec", "kafka", "config", "default.replication.factor"));
        Assert.Equal("2", Text(kafka, "spec", "kafka", "config", "min.insync.replicas"));
        Assert.Equal("false", Text(kafka, "spec", "kafka", "config", "auto.create.topics.enable"));
        Assert.Equal("false", Text(kafka, "spec", "kafka", "config", "unclean.leader.election.enable"));
        Assert.Equal(["cluster.yaml", "topics.yaml"], Documents("kustomization.yaml").SelectMany(d => ((YamlSequenceNode)d["resources"]).Children)
            .Select(n => ((YamlScalarNode)n).Value!).Order());
    }
}
