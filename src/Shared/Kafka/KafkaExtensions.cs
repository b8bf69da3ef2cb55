using Chat.Shared.Configuration;
using Chat.Shared.Http;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Chat.Shared.Kafka;

public static class KafkaExtensions
{
    /// <summary>
    /// Binds <c>Kafka</c> options, registers the one producer, the consumers' metrics and, unless
    /// <paramref name="gatesReadiness"/> is false, a readiness check on broker metadata. For the services
    /// that produce or consume; safe to call from each of their <c>AddX</c> (the Host composing them all
    /// registers each part once).
    /// </summary>
    /// <param name="gatesReadiness">
    /// False for a service whose work mostly needs no broker (Auth produces only account deletions, which
    /// answer 503 on their own when the broker cannot take them): signing in stays up while Kafka is down.
    /// </param>
    public static IHostApplicationBuilder AddKafka(this IHostApplicationBuilder builder, bool gatesReadiness = true)
    {
        if (!builder.Services.Any(s => s.ServiceType == typeof(EventProducer)))
        {
            builder.Services.AddValidatedOptions<KafkaOptions>(KafkaOptions.Section);
            builder.Services.AddMetrics();
            builder.Services.TryAddSingleton<EventProducer>();
            builder.Services.TryAddSingleton<ConsumerMetrics>();
        }
        if (gatesReadiness && !builder.Services.Any(s => s.ServiceType == typeof(KafkaHealthCheck)))
        {
            // One instance for the process: AddCheck<T> alone makes one per run and never disposes it,
            // leaking an admin client per probe that outlives the (embedded) broker and logs its loss.
            builder.Services.AddSingleton<KafkaHealthCheck>();
            builder.Services.AddHealthChecks().AddCheck<KafkaHealthCheck>("kafka", tags: [HealthTags.Ready]);
        }
        return builder;
    }
}

/// <summary>Ready when the broker answers a metadata request (the one admin call the embedded broker serves well).</summary>
internal sealed class KafkaHealthCheck(IOptions<KafkaOptions> options) : IHealthCheck, IDisposable
{
    private readonly Lazy<IAdminClient> _admin = new(() =>
        new AdminClientBuilder(new AdminClientConfig { BootstrapServers = options.Value.BootstrapServers }).Build());

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.Run(() =>
        {
            try
            {
                var metadata = _admin.Value.GetMetadata(Topics.Messages, TimeSpan.FromSeconds(2));
                return metadata.Brokers.Count > 0
                    ? HealthCheckResult.Healthy($"{metadata.Brokers.Count} broker(s)")
                    : HealthCheckResult.Unhealthy("No broker in metadata");
            }
            catch (KafkaException e)
            {
                return HealthCheckResult.Unhealthy("Kafka metadata request failed: " + e.Error.Reason);
            }
        }, cancellationToken);

    public void Dispose()
    {
        if (_admin.IsValueCreated) _admin.Value.Dispose();
    }
}
