using Chat.Presence.Calls.Storage;
using Microsoft.Extensions.Options;

namespace Chat.Presence.Calls;

/// <summary>Ends the calls that rang longer than <see cref="CallsOptions.RingTimeout"/> as <c>missed</c>; reads the store, so any node's sweep will do.</summary>
internal sealed class CallRingTimeout(ICallStore calls, CallsHandler handler, IOptions<CallsOptions> options, TimeProvider clock, ILogger<CallRingTimeout> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timeout = options.Value.RingTimeout;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(timeout.TotalMilliseconds / 10, 100, 1000)), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var call in await calls.RingingSinceBeforeAsync(clock.GetUtcNow() - timeout, stoppingToken))
                    if (await handler.MissAsync(call, stoppingToken)) logger.LogInformation("Call {CallId} rang {Timeout} unanswered: missed", call.CallId, timeout);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "The ring-timeout sweep failed; trying again at the next tick");
            }
        }
    }
}
