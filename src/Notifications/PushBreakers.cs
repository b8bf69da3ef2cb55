using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Chat.Notifications.Storage;
using Chat.Shared;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace Chat.Notifications;

/// <summary>
/// One circuit breaker per push service (a Web Push endpoint's origin, or FCM), as the connectors
/// keep one per platform: half the attempts failing among at least 5 in 30 s opens it for
/// <see cref="NotificationsOptions.BreakDuration"/>. While it is open, pushes to that service wait
/// without spending an attempt, so an outage at one push service neither dead-letters every push
/// to it nor holds up the others. A device reported gone (404/410) is an answer, not a failure.
/// </summary>
internal sealed class PushBreakers
{
    private readonly ConcurrentDictionary<string, (ResiliencePipeline<PushAttempt> Pipeline, CircuitBreakerStateProvider State)> _breakers = new();
    private readonly NotificationsOptions _options;
    private readonly ILogger<PushBreakers> _logger;

    public PushBreakers(IOptions<NotificationsOptions> options, IMeterFactory meters, ILogger<PushBreakers> logger)
    {
        _options = options.Value;
        _logger = logger;
        meters.CreateChatMeter().CreateObservableGauge("chat.notification.breaker_open",
            () => _breakers.Select(b => new Measurement<int>(b.Value.State.CircuitState == CircuitState.Closed ? 0 : 1,
                new KeyValuePair<string, object?>("service", b.Key))),
            description: "1 while a push service's circuit breaker is open or half-open");
    }

    /// <summary>The push service a device is reached through: its endpoint's origin, or the platform for token-based ones.</summary>
    public static string ServiceOf(Device device) =>
        device.Endpoint is { } endpoint && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : device.Platform;

    /// <summary>The attempt through its service's breaker; null when the breaker is open and nothing was sent.</summary>
    public async Task<PushAttempt?> SendAsync(Device device, Func<CancellationToken, Task<PushAttempt>> send, CancellationToken ct)
    {
        try
        {
            return await _breakers.GetOrAdd(ServiceOf(device), Build).Pipeline.ExecuteAsync(async token => await send(token), ct);
        }
        catch (BrokenCircuitException)
        {
            return null;
        }
    }

    private (ResiliencePipeline<PushAttempt>, CircuitBreakerStateProvider) Build(string service)
    {
        var state = new CircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder<PushAttempt>()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<PushAttempt>
            {
                FailureRatio = 0.5,
                MinimumThroughput = 5,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = _options.BreakDuration,
                StateProvider = state,
                ShouldHandle = new PredicateBuilder<PushAttempt>()
                    .Handle<Exception>(e => e is not OperationCanceledException)
                    .HandleResult(a => a is { Succeeded: false, Gone: false }),
                OnOpened = args =>
                {
                    _logger.LogError("Push service {Service} breaker opened for {Duration}: it keeps failing; its pushes wait", service, args.BreakDuration);
                    return default;
                },
                OnClosed = _ =>
                {
                    _logger.LogInformation("Push service {Service} breaker closed: it answers again", service);
                    return default;
                },
            })
            .Build();
        return (pipeline, state);
    }
}
