using Chat.Notifications.Storage;
using Chat.Shared.Http;
using Microsoft.Extensions.Options;

namespace Chat.Notifications;

/// <summary>
/// Logout takes the session's devices along. Auth already publishes every logout on its revocation
/// feed (the revoked access token, now with its session id); this reads the same feed every
/// <see cref="AuthOptions.RevocationPollInterval"/> and removes the devices that session registered.
/// Auth knows nothing of notifications, and no logout is missed while this service is down: the
/// feed is read from the start (every unexpired revocation) when it comes back.
/// </summary>
internal sealed class SessionEndings(
    IRevocationFeed feed, INotificationStore store, IOptions<AuthOptions> auth, TimeProvider clock, ILogger<SessionEndings> logger) : BackgroundService
{
    private long _cursor;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(auth.Value.RevocationPollInterval, clock);
        do
        {
            try
            {
                var page = await feed.ReadAfterAsync(_cursor, stoppingToken);
                foreach (var session in page.Tokens.Select(t => t.SessionId).OfType<string>().Distinct())
                    if (await store.DeleteSessionDevicesAsync(session, stoppingToken) is > 0 and var removed)
                        logger.LogInformation("Session {Session} logged out: its {Count} push devices removed", session, removed);
                _cursor = page.Cursor;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Cannot read logouts; devices of sessions logged out meanwhile are removed once it works again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
