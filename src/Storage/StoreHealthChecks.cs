using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chat.Storage;

/// <summary>Readiness: the message store answers a read (of a conversation that cannot exist).</summary>
internal sealed class MessageStoreHealthCheck(IMessageStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.FindConversationAsync("health-probe", cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The message store does not answer.", e);
        }
    }
}

/// <summary>Readiness: the metadata store answers a read.</summary>
internal sealed class MetadataStoreHealthCheck(IMetadataStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.FindUserAsync("health-probe", cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The metadata store does not answer.", e);
        }
    }
}
