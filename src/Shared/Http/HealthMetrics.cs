using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chat.Shared.Http;

/// <summary>
/// Health check results as the gauge <c>chat.health.status</c> (1 healthy, 0.5 degraded, 0 unhealthy)
/// per check, so alerts can name what is down ("store unavailable") rather than only that a probe failed.
/// </summary>
internal sealed class HealthMetrics : IHealthCheckPublisher
{
    private readonly ConcurrentDictionary<string, double> _latest = new();

    public HealthMetrics(IMeterFactory meters) => meters.CreateChatMeter().CreateObservableGauge("chat.health.status",
        () => _latest.Select(c => new Measurement<double>(c.Value, new KeyValuePair<string, object?>("check", c.Key))),
        description: "Health check results: 1 healthy, 0.5 degraded, 0 unhealthy");

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        foreach (var (name, entry) in report.Entries)
            _latest[name] = entry.Status switch { HealthStatus.Healthy => 1, HealthStatus.Degraded => 0.5, _ => 0 };
        return Task.CompletedTask;
    }
}
