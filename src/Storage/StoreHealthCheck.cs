using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chat.Storage;

/// <summary>Readiness: a store answers a read (of something that cannot exist).</summary>
public sealed class StoreHealthCheck(string store, Func<CancellationToken, Task> probe) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await probe(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"The {store} does not answer.", e);
        }
    }

    /// <summary>Registers the check as <paramref name="name"/>, tagged for readiness (once, however many services in the process ask).</summary>
    public static void Add(IServiceCollection services, string name, Func<IServiceProvider, CancellationToken, Task> probe)
    {
        if (services.Any(s => s.ImplementationInstance is Registered r && r.Name == name)) return;
        services.AddSingleton(new Registered(name));
        services.AddHealthChecks().Add(new HealthCheckRegistration(name,
            sp => new StoreHealthCheck(name.Replace('-', ' '), ct => probe(sp, ct)), HealthStatus.Unhealthy, [Chat.Shared.Http.HealthTags.Ready]));
    }

    private sealed record Registered(string Name);
}
