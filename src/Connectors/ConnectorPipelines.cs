using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Chat.Shared;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;

namespace Chat.Connectors;

/// <summary>
/// One Polly pipeline per platform: a circuit breaker (half the calls failing among at least 3 in
/// 30 s opens it for <see cref="ConnectorsOptions.BreakDuration"/>) around a timeout. An open
/// breaker fails calls at once, so an outage costs no waiting; its state shows in health and metrics.
/// </summary>
internal sealed class ConnectorPipelines
{
    private readonly ConcurrentDictionary<string, (ResiliencePipeline<SendResult> Pipeline, CircuitBreakerStateProvider State)> _pipelines = new();
    private readonly ConnectorsOptions _options;
    private readonly ILogger<ConnectorPipelines> _logger;

    public ConnectorPipelines(IOptions<ConnectorsOptions> options, IMeterFactory meters, ILogger<ConnectorPipelines> logger)
    {
        _options = options.Value;
        _logger = logger;
        meters.CreateChatMeter().CreateObservableGauge("chat.connector.breaker_open",
            () => _pipelines.Select(p => new Measurement<int>(p.Value.State.CircuitState == CircuitState.Closed ? 0 : 1,
                new KeyValuePair<string, object?>("channel", p.Key))),
            description: "1 while a connector's circuit breaker is open or half-open");
    }

    public ResiliencePipeline<SendResult> For(string channel) => _pipelines.GetOrAdd(channel, Build).Pipeline;

    public IReadOnlyDictionary<string, CircuitState> States => _pipelines.ToDictionary(p => p.Key, p => p.Value.State.CircuitState);

    private (ResiliencePipeline<SendResult>, CircuitBreakerStateProvider) Build(string channel)
    {
        var state = new CircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder<SendResult>()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<SendResult>
            {
                FailureRatio = 0.5,
                MinimumThroughput = 3,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = _options.BreakDuration,
                StateProvider = state,
                ShouldHandle = new PredicateBuilder<SendResult>()
                    .Handle<Exception>(e => e is not OperationCanceledException)
                    .HandleResult(r => r is { Delivered: false, Permanent: false }),
                OnOpened = args =>
                {
                    _logger.LogError("{Channel} breaker opened for {Duration}: the platform keeps failing", channel, args.BreakDuration);
                    return default;
                },
                OnClosed = _ =>
                {
                    _logger.LogInformation("{Channel} breaker closed: the platform answers again", channel);
                    return default;
                },
            })
            .AddTimeout(_options.SendTimeout)
            .Build();
        return (pipeline, state);
    }
}

/// <summary>Degraded (still serving) while any platform's breaker is not closed; the data names each state.</summary>
internal sealed class ConnectorHealthCheck(ConnectorPipelines pipelines) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var states = pipelines.States;
        var data = states.ToDictionary(s => s.Key, s => (object)s.Value.ToString());
        var open = states.Where(s => s.Value != CircuitState.Closed).Select(s => s.Key).ToList();
        return Task.FromResult(open.Count == 0
            ? HealthCheckResult.Healthy("All connector breakers closed", data)
            : HealthCheckResult.Degraded($"Breaker not closed for: {string.Join(", ", open)}", data: data));
    }
}
