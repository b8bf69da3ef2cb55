using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Shared.Http;

/// <summary>
/// How a service stops (issue 15): the moment it is asked to, readiness answers 503 (the host
/// fires ApplicationStopping first) and sockets are told 1001 "going away"; for
/// <see cref="ChatOptions.DrainSeconds"/> it goes on serving while load balancers notice; only
/// then do the hosted services stop — the HTTP server first, which takes no new connections and
/// lets in-flight requests finish, then the consumers, which commit and leave their groups.
/// </summary>
internal sealed class ShutdownDrain(IOptions<ChatOptions> options, ILogger<ShutdownDrain> logger) : IHostedLifecycleService
{
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        var drain = TimeSpan.FromSeconds(options.Value.DrainSeconds);
        if (drain <= TimeSpan.Zero) return Task.CompletedTask;
        logger.LogInformation("Stopping: not ready; serving for {Drain} more before closing", drain);
        return Task.Delay(drain, cancellationToken);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class ShutdownDrainExtensions
{
    /// <summary>
    /// <c>/health/ready</c> answers 503 once the service is stopping: traffic should go elsewhere.
    /// Short of the checks, not one of them: an unhealthy check is logged as an error, and stopping is none.
    /// </summary>
    public static WebApplication UseNotReadyWhenStopping(this WebApplication app)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        app.UseWhen(context => stopping.IsCancellationRequested && context.Request.Path == "/health/ready", branch => branch.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return context.Response.WriteAsync("Stopping");
        }));
        return app;
    }
}
