using Microsoft.Extensions.Options;

namespace Chat.Presence.Gateway;

/// <summary>Refreshes the presence record of every socket this node holds, three times per TTL.</summary>
internal sealed class PresenceHeartbeat(LocalConnections connections, IPresence presence, IOptions<PresenceOptions> options, TimeProvider clock,
    ILogger<PresenceHeartbeat> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Ttl / 3, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await Task.WhenAll(connections.All().Select(c => presence.HeartbeatAsync(c.Username, options.Value.NodeId, c.Id, stoppingToken)));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Presence heartbeat failed; records lapse after {Ttl} unless the next one succeeds", options.Value.Ttl);
            }
        }
    }
}
