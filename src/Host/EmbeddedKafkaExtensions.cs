using System.Net;
using Chat.Shared.Kafka;
using Chat.Shared.Kafka.Embedded;

namespace Chat.Host;

public static class EmbeddedKafkaExtensions
{
    /// <summary>
    /// With no <c>Kafka:BootstrapServers</c>, starts librdkafka's mock cluster in this process, creates
    /// the topics and points every client at it. Otherwise does nothing: the configured Kafka is used.
    /// </summary>
    public static WebApplicationBuilder AddEmbeddedKafkaWhenUnconfigured(this WebApplicationBuilder builder)
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration["Kafka:BootstrapServers"])) return builder;

        var partitions = builder.Configuration.GetValue("Kafka:Partitions", 16);
        var broker = EmbeddedKafkaBroker.Start(Topics.All, partitions);
        if (builder.Configuration.GetValue<int?>("Kafka:EmbeddedPort") is { } port)
            broker.ListenOn(port, IPAddress.Parse(builder.Configuration["Kafka:EmbeddedBindAddress"] ?? "127.0.0.1"),
                builder.Configuration["Kafka:EmbeddedAdvertisedHost"] ?? "127.0.0.1");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = broker.BootstrapServers,
            // Rebalances here take seconds, not the tens of seconds that defaults sized for real clusters take.
            ["Kafka:SessionTimeoutMs"] = builder.Configuration["Kafka:SessionTimeoutMs"] ?? "3000",
            ["Kafka:HeartbeatIntervalMs"] = builder.Configuration["Kafka:HeartbeatIntervalMs"] ?? "500",
        });
        // Resolved first by the hosted service below, so the container disposes it last: after every client.
        builder.Services.AddSingleton(_ => broker);
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, EmbeddedKafkaAnnouncer>());
        return builder;
    }
}

internal sealed class EmbeddedKafkaAnnouncer(EmbeddedKafkaBroker broker, ILogger<EmbeddedKafkaAnnouncer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation(
            "Embedded Kafka-protocol broker at {Bootstrap} (in memory, ~5 MiB per partition, gone when this process stops). " +
            "Set Kafka:BootstrapServers to use a real Kafka.", broker.BootstrapServers);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
