using Chat.Shared.Kafka;
using Chat.Shared.Kafka.Embedded;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Testcontainers.Kafka;
using Xunit;

namespace Chat.Testing;

/// <summary>A Kafka-protocol broker of one test's own, every topic of the system created with 16 partitions.</summary>
public interface ITestBroker : IAsyncDisposable
{
    string BootstrapServers { get; }
}

/// <summary>Where the Kafka-facing suites get their broker: one subclass per kind, as the store contracts have one per adapter.</summary>
public abstract class TestBrokerKind
{
    public const int Partitions = 16;

    /// <summary>A fresh broker; skips the test, saying why, where this kind cannot run.</summary>
    public abstract Task<ITestBroker> StartAsync();
}

/// <summary>librdkafka's mock cluster in this process: runs everywhere.</summary>
public sealed class EmbeddedBrokerKind : TestBrokerKind
{
    public override Task<ITestBroker> StartAsync() => Task.FromResult<ITestBroker>(new Embedded(EmbeddedKafkaBroker.Start(Topics.All, Partitions)));

    private sealed class Embedded(EmbeddedKafkaBroker broker) : ITestBroker
    {
        public string BootstrapServers => broker.BootstrapServers;

        public ValueTask DisposeAsync()
        {
            broker.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>Apache Kafka (KRaft, the image docker-compose.yml runs) under Testcontainers, where a Docker engine exists.</summary>
public sealed class ApacheKafkaKind : TestBrokerKind
{
    public const string Image = "apache/kafka:3.9.0";

    public override async Task<ITestBroker> StartAsync()
    {
        Skip.If(!TestServers.DockerAvailable, TestServers.NoDocker);
        var container = new KafkaBuilder(Image)
            // Test routers use 3 s sessions to fail over fast; Kafka's default floor is 6 s.
            .WithEnvironment("KAFKA_GROUP_MIN_SESSION_TIMEOUT_MS", "1000")
            .Build();
        await container.StartAsync();
        var bootstrapServers = container.GetBootstrapAddress();
        // The system's topics are created by its deployment (docker-compose's kafka-topics), not on first use.
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build())
            await admin.CreateTopicsAsync(Topics.All.Select(t => new TopicSpecification { Name = t, NumPartitions = Partitions, ReplicationFactor = 1 }));
        return new Container(container, bootstrapServers);
    }

    private sealed class Container(KafkaContainer container, string bootstrapServers) : ITestBroker
    {
        public string BootstrapServers => bootstrapServers;

        public ValueTask DisposeAsync() => container.DisposeAsync();
    }
}
