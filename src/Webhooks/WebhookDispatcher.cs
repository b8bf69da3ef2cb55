using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Chat.Shared;
using Microsoft.Extensions.Options;

namespace Chat.Webhooks;

/// <summary>
/// Sends due deliveries. Each endpoint has its own concurrency limit and each request runs on its
/// own, so a slow or dead endpoint holds up only itself. 2xx succeeds; 410 disables the endpoint;
/// anything else is retried on <see cref="WebhooksOptions.RetrySchedule"/> (or later, if a 429/503
/// says Retry-After). An endpoint failing again and again rests a while, its deliveries waiting.
/// Every attempt is logged; retry state lives in the store, so a restart loses none.
/// </summary>
internal sealed class WebhookDispatcher(
    IWebhookDeliveryLog store, IWebhookRegistrations metadata, IHttpClientFactory http, IOptions<WebhooksOptions> options, TimeProvider clock,
    IMeterFactory meters, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "webhooks";
    private readonly Counter<long> _attempts = meters.CreateChatMeter().CreateCounter<long>("chat.webhook.attempts", description: "Webhook attempts by outcome");

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _endpoints = new();
    private readonly ConcurrentDictionary<string, byte> _inFlight = new();
    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset RestUntil)> _health = new();

    private (IReadOnlyList<WebhookRegistration> List, DateTimeOffset ReadAt) _webhooks = ([], DateTimeOffset.MinValue);

    /// <summary>The registrations, read again at most once a second rather than on every 50 ms tick.</summary>
    private async Task<IReadOnlyList<WebhookRegistration>> WebhooksAsync(DateTimeOffset now, CancellationToken ct)
    {
        if (now - _webhooks.ReadAt >= TimeSpan.FromSeconds(1)) _webhooks = (await metadata.WebhooksAsync(ct), now);
        return _webhooks.List;
    }

    private bool Resting(string webhookId, DateTimeOffset now) => _health.TryGetValue(webhookId, out var h) && h.RestUntil > now;

    /// <summary>Consecutive failures per endpoint; enough of them and it rests, so a dead endpoint costs the others nothing.</summary>
    private void Count(string webhookId, bool succeeded)
    {
        var settings = options.Value;
        _health.AddOrUpdate(webhookId, _ => succeeded ? (0, default) : (1, default), (_, h) =>
        {
            if (succeeded) return (0, default);
            var failures = h.Failures + 1;
            if (failures < settings.FailuresBeforeCooldown) return (failures, h.RestUntil);
            logger.LogWarning("Webhook {Webhook} failed {Failures} times in a row; resting it for {Cooldown}", webhookId, failures, settings.EndpointCooldown);
            return (0, clock.GetUtcNow() + settings.EndpointCooldown);
        });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var now = clock.GetUtcNow();
                foreach (var webhook in await WebhooksAsync(now, stoppingToken))
                {
                    if (webhook.Disabled || Resting(webhook.WebhookId, now)) continue;
                    foreach (var delivery in await store.DueWebhookDeliveriesAsync(webhook.WebhookId, now, 100, stoppingToken))
                        if (_inFlight.TryAdd(delivery.DeliveryId, 0))
                            _ = Task.Run(() => AttemptAsync(delivery, webhook, stoppingToken), stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Could not read due webhook deliveries; trying again");
            }
        }
    }

    private async Task AttemptAsync(WebhookDelivery delivery, WebhookRegistration webhook, CancellationToken ct)
    {
        try
        {
            var gate = _endpoints.GetOrAdd(webhook.WebhookId, _ => new SemaphoreSlim(options.Value.ConcurrencyPerEndpoint));
            await gate.WaitAsync(ct);
            try
            {
                await SendAsync(delivery, webhook, ct);
            }
            finally
            {
                gate.Release();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Webhook delivery {Delivery} failed unexpectedly; it stays due", delivery.DeliveryId);
        }
        finally
        {
            _inFlight.TryRemove(delivery.DeliveryId, out _);
        }
    }

    private async Task SendAsync(WebhookDelivery delivery, WebhookRegistration webhook, CancellationToken ct)
    {
        // A child of the span that consumed the status event, however much later this attempt runs: the event's trace ends with its 2xx.
        ActivityContext.TryParse(delivery.TraceParent, null, isRemote: true, out var trace);
        using var span = ChatTelemetry.Source.StartActivity("webhook send", ActivityKind.Client, trace, [
            new("chat.webhook.id", webhook.WebhookId), new("chat.webhook.delivery.id", delivery.DeliveryId), new("chat.webhook.attempt", delivery.Attempts + 1),
        ]);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", delivery.MessageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString());
        request.Headers.Add("webhook-signature", WebhookSigner.Sign(webhook.Secret, delivery.MessageId, timestamp, delivery.Body));
        var clock0 = Stopwatch.GetTimestamp();
        int? status = null;
        string? error = null;
        TimeSpan? retryAfter = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.Value.Timeout);
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            status = (int)response.StatusCode;
            retryAfter = response.Headers.RetryAfter?.Delta
                ?? (response.Headers.RetryAfter?.Date is { } at ? at - clock.GetUtcNow() : null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            error = $"no answer within {options.Value.Timeout.TotalSeconds:0} s";
        }
        catch (HttpRequestException e)
        {
            error = e.Message;
        }
        var latency = Stopwatch.GetElapsedTime(clock0).TotalMilliseconds;
        span?.SetTag("http.response.status_code", status);
        if (status is not (>= 200 and < 300)) span?.SetStatus(ActivityStatusCode.Error, error ?? $"HTTP {status}");
        Count(webhook.WebhookId, succeeded: status is >= 200 and < 300);
        if (status is >= 200 and < 300)
        {
            await RecordAsync(delivery, status, latency, null, final: true, null, ct, succeeded: true);
            return;
        }
        if (status == (int)HttpStatusCode.Gone)
        {
            logger.LogWarning("Webhook {Webhook} answered 410 Gone: disabled", webhook.WebhookId);
            await metadata.DisableWebhookAsync(webhook.WebhookId, ct);
            await RecordAsync(delivery, status, latency, "410 Gone: the endpoint was disabled", final: true, null, ct);
            return;
        }
        var honoured = status is 429 or 503 ? retryAfter : null;
        await RecordAsync(delivery, status, latency, error ?? $"HTTP {status}", final: false, honoured, ct);
    }

    private async Task RecordAsync(WebhookDelivery delivery, int? status, double latency, string? error, bool final, TimeSpan? retryAfter,
        CancellationToken ct, bool succeeded = false)
    {
        var attempt = delivery.Attempts + 1;
        var schedule = options.Value.Schedule();
        var exhausted = attempt >= schedule.Count;
        var now = clock.GetUtcNow();
        var state = succeeded ? WebhookDelivery.Succeeded : final || exhausted ? WebhookDelivery.Failed : WebhookDelivery.Pending;
        var next = delivery.NextAttemptAt;
        if (state == WebhookDelivery.Pending)
        {
            // Each entry is the wait after the previous attempt; jitter (±10 %) keeps many endpoints' retries apart.
            var planned = now + schedule[attempt] * (0.9 + Random.Shared.NextDouble() * 0.2);
            next = retryAfter is { } wait && now + wait > planned ? now + wait : planned;
        }
        _attempts.Add(1, new KeyValuePair<string, object?>("outcome", succeeded ? "succeeded" : state));
        await store.RecordWebhookAttemptAsync(delivery with { Attempts = attempt, State = state, NextAttemptAt = next },
            new WebhookAttempt(delivery.DeliveryId, attempt, now, status, latency, error), ct);
    }
}
