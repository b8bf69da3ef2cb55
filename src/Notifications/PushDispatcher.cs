using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Chat.Notifications.Storage;
using Chat.Shared;
using Microsoft.Extensions.Options;

namespace Chat.Notifications;

/// <summary>
/// Sends due pushes, each on its own. 2xx: sent. 404/410: the device is gone, so it is removed
/// (and what still waited for it). Anything else is tried again on
/// <see cref="NotificationsOptions.RetrySchedule"/>; when that runs out the push is dead-lettered
/// (kept as <c>dead</c>, logged, counted). Each push service has its breaker (<see cref="PushBreakers"/>):
/// while it is open, its pushes wait a break without spending an attempt. State lives in the store,
/// so a restart loses none.
/// </summary>
internal sealed class PushDispatcher(
    INotificationStore store, IEnumerable<IPushService> services, PushBreakers breakers, IOptions<NotificationsOptions> options, TimeProvider clock, IMeterFactory meters,
    ILogger<PushDispatcher> logger) : BackgroundService
{
    private readonly Counter<long> _sent = meters.CreateChatMeter().CreateCounter<long>("chat.notification.sent", description: "Pushes the push service accepted");
    private readonly Counter<long> _failed = meters.CreateChatMeter().CreateCounter<long>("chat.notification.failed", description: "Push attempts that failed, by outcome (retry, dead)");
    private readonly Counter<long> _removed = meters.CreateChatMeter().CreateCounter<long>("chat.notification.devices_removed", description: "Devices removed because their push service said they are gone");
    private readonly ConcurrentDictionary<string, byte> _inFlight = new();
    private readonly Dictionary<string, IPushService> _byPlatform = services.ToDictionary(s => s.Platform);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var push in await store.DuePushesAsync(clock.GetUtcNow(), 100, stoppingToken))
                    if (_inFlight.TryAdd(push.PushId, 0))
                        _ = Task.Run(() => AttemptAsync(push, stoppingToken), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Could not read due pushes; trying again");
            }
        }
    }

    private async Task AttemptAsync(PendingPush push, CancellationToken ct)
    {
        try
        {
            await SendAsync(push, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Push {Push} failed unexpectedly; it stays due", push.PushId);
        }
        finally
        {
            _inFlight.TryRemove(push.PushId, out _);
        }
    }

    private async Task SendAsync(PendingPush push, CancellationToken ct)
    {
        var device = (await store.DevicesAsync(push.Username, ct)).FirstOrDefault(d => d.DeviceId == push.DeviceId);
        if (device is null || !_byPlatform.TryGetValue(device.Platform, out var service))
        {
            // Removed since (logout, DELETE): the push has no one to go to.
            await store.UpdatePushAsync(push with { State = PendingPush.Dead }, ct);
            return;
        }
        // A child of the span that consumed the request, so the message's trace ends with its push.
        ActivityContext.TryParse(push.TraceParent, null, isRemote: true, out var trace);
        using var span = ChatTelemetry.Source.StartActivity("notification send", ActivityKind.Client, trace, [
            new("chat.notification.push.id", push.PushId), new("chat.notification.platform", device.Platform), new("chat.notification.attempt", push.Attempts + 1),
        ]);
        if (await breakers.SendAsync(device, token => service.SendAsync(device, push.Body, token), ct) is not { } attempt)
        {
            span?.SetTag("chat.notification.breaker", "open");
            await store.UpdatePushAsync(push with { NextAttemptAt = clock.GetUtcNow() + options.Value.BreakDuration }, ct);
            return;
        }
        span?.SetTag("http.response.status_code", attempt.Status);
        var tried = push with { Attempts = push.Attempts + 1 };
        if (attempt.Succeeded)
        {
            _sent.Add(1, new KeyValuePair<string, object?>("platform", device.Platform));
            await store.UpdatePushAsync(tried with { State = PendingPush.Sent }, ct);
            return;
        }
        span?.SetStatus(ActivityStatusCode.Error, attempt.Error);
        if (attempt.Gone)
        {
            logger.LogInformation("The push service says device {Device} of {User} is gone (HTTP {Status}): removed", device.DeviceId, device.Username, attempt.Status);
            await store.UpdatePushAsync(tried with { State = PendingPush.Dead }, ct);
            await store.DeleteDeviceAsync(device.Username, device.DeviceId, ct);
            _removed.Add(1, new KeyValuePair<string, object?>("platform", device.Platform));
            return;
        }
        var schedule = options.Value.Schedule();
        if (tried.Attempts >= schedule.Count)
        {
            logger.LogWarning("Push {Push} to device {Device} of {User} failed {Attempts} times ({Error}): dead-lettered",
                push.PushId, device.DeviceId, device.Username, tried.Attempts, attempt.Error);
            _failed.Add(1, new KeyValuePair<string, object?>("outcome", "dead"));
            await store.UpdatePushAsync(tried with { State = PendingPush.Dead }, ct);
            return;
        }
        _failed.Add(1, new KeyValuePair<string, object?>("outcome", "retry"));
        // Jitter (±10 %) keeps many devices' retries apart.
        var next = clock.GetUtcNow() + schedule[tried.Attempts] * (0.9 + Random.Shared.NextDouble() * 0.2);
        await store.UpdatePushAsync(tried with { NextAttemptAt = next }, ct);
    }
}
