using System.Diagnostics;
using System.Diagnostics.Metrics;
using Chat.Shared;
using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Chat.Storage;
using Confluent.Kafka;
using Google.Protobuf;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Chat.Connectors;

/// <summary>
/// Consumer group on chat.deliveries: one attempt per delivery through its platform's pipeline.
/// Accepted → a <c>delivered</c> receipt. Failed → the next attempt is scheduled durably
/// (<see cref="RetryScheduler"/> brings it back when due), so a waiting delivery holds up nothing;
/// after the last attempt, or a permanent refusal → chat.dlq, the DLQ list and a <c>failed</c> receipt.
/// Edits and deletes of what was sent before go to <see cref="PlatformChanges"/>.
/// </summary>
internal sealed class DeliveryWorker : BatchConsumer
{
    private readonly IReadOnlyDictionary<string, IConnector> _connectors;
    private readonly ConnectorPipelines _pipelines;
    private readonly IConnectorDeliveryStore _store;
    private readonly IMessageStore _messages;
    private readonly EventProducer _producer;
    private readonly ConnectorsOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<DeliveryWorker> _logger;
    private readonly FileLinks _files;
    private readonly PlatformChanges _changes;
    private readonly Counter<long> _sends;

    // Delivered lately by this process. After a crash the same delivery can come twice at once (the
    // uncommitted record replayed, and its scheduled retry); the store learns of a success only
    // through the receipt, a moment later, so this remembers it meanwhile.
    private readonly MemoryCache _deliveredLately = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    public DeliveryWorker(IEnumerable<IConnector> connectors, ConnectorPipelines pipelines, IConnectorDeliveryStore store, IMessageStore messages, EventProducer producer,
        ConsumerMetrics consumerMetrics, IOptions<KafkaOptions> kafka, IOptions<ConnectorsOptions> options, TimeProvider clock, FileLinks files,
        IMeterFactory meters, PlatformChanges changes, ILogger<DeliveryWorker> logger)
        : base(Topics.Deliveries, options.Value.ConsumerGroup, kafka.Value, producer, consumerMetrics, logger)
    {
        _sends = meters.CreateChatMeter().CreateCounter<long>("chat.connector.sends", description: "Connector send attempts by outcome");
        _connectors = connectors.ToDictionary(c => c.Channel);
        _pipelines = pipelines;
        _store = store;
        _messages = messages;
        _producer = producer;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        _files = files;
        _changes = changes;
        MaxBatchSize = 100;
    }

    protected override async Task ProcessBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, BatchSpans spans, CancellationToken cancellationToken)
    {
        var deliveries = new List<(ConnectorDelivery Delivery, ConsumeResult<string, byte[]> Record)>();
        foreach (var record in batch)
        {
            var (delivery, problem) = ParseRecord(record, ConnectorDelivery.Parser);
            if (delivery is null) await DeadLetterAsync(record, problem!, cancellationToken);
            else deliveries.Add((delivery, record));
        }
        // Platforms side by side: a slow one does not hold up the others.
        await Task.WhenAll(deliveries.GroupBy(d => d.Delivery.Channel).Select(async channel =>
        {
            foreach (var (delivery, record) in channel)
                using (spans.Enter(record))
                    await DeliverAsync(delivery, cancellationToken);
        }));
    }

    private async Task DeliverAsync(ConnectorDelivery delivery, CancellationToken ct)
    {
        if (delivery.Action is ConnectorActions.Edit or ConnectorActions.Delete)
        {
            await _changes.ApplyAsync(delivery, ct);
            return;
        }
        if (await AlreadySettledAsync(delivery, ct)) return;
        if (!_connectors.TryGetValue(delivery.Channel, out var connector))
        {
            await GiveUpAsync(delivery, $"No {delivery.Channel} connector is configured in this deployment.", ct);
            return;
        }
        var result = await AttemptAsync(connector, delivery, ct);
        _sends.Add(1, new KeyValuePair<string, object?>("channel", delivery.Channel), new KeyValuePair<string, object?>("outcome", result.Delivered ? "delivered" : "failed"));
        if (result.Delivered)
        {
            _deliveredLately.Set(delivery.DeliveryId, true, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(10) });
            // Kept before the receipt: an edit or delete that follows it finds what to change there.
            if (result.PlatformMessageId is { } platformId)
                await _store.RecordPlatformMessageAsync(new PlatformMessage(delivery.MessageId, delivery.Recipient, delivery.Channel, platformId, _clock.GetUtcNow()), ct);
            await ReceiptAsync(delivery, MessageStatus.Delivered, $"{delivery.Channel} message id {result.PlatformMessageId}", ct);
        }
        else if (result.Permanent || delivery.Attempt >= _options.MaxAttempts)
            await GiveUpAsync(delivery, $"{result.Error} (attempt {delivery.Attempt} of {_options.MaxAttempts})", ct);
        else
            await ScheduleRetryAsync(delivery, result, ct);
    }

    /// <summary>One send to the platform, as a client span in the message's trace (the platform's HTTP call, if any, inside it).</summary>
    private async Task<SendResult> AttemptAsync(IConnector connector, ConnectorDelivery delivery, CancellationToken ct)
    {
        using var span = ChatTelemetry.Source.StartActivity($"{delivery.Channel} send", ActivityKind.Client);
        span?.SetTag("chat.channel", delivery.Channel);
        span?.SetTag("chat.delivery.id", delivery.DeliveryId);
        span?.SetTag("chat.delivery.attempt", delivery.Attempt);
        var result = await SendAsync(connector, delivery, ct);
        if (!result.Delivered) span?.SetStatus(ActivityStatusCode.Error, result.Error);
        return result;
    }

    private async Task<SendResult> SendAsync(IConnector connector, ConnectorDelivery delivery, CancellationToken ct)
    {
        try
        {
            if (delivery.Payload?.Type == "file")
            {
                var file = await _files.LinkAsync(delivery.Payload, ct);
                if (file is null) return SendResult.Failed($"File '{delivery.Payload.FileId}' is gone.", permanent: true);
                return await _pipelines.For(delivery.Channel).ExecuteAsync(async token => await connector.SendFileAsync(delivery.ExternalId, file, delivery.DeliveryId, token), ct);
            }
            var text = delivery.Payload?.Text ?? "";
            return await _pipelines.For(delivery.Channel).ExecuteAsync(async token => await connector.SendTextAsync(delivery.ExternalId, text, delivery.DeliveryId, token), ct);
        }
        catch (BrokenCircuitException e)
        {
            return SendResult.Failed($"{delivery.Channel} breaker is open: the platform has been failing", retryAfter: e.RetryAfter);
        }
        catch (TimeoutRejectedException)
        {
            return SendResult.Failed($"{delivery.Channel} did not answer within {_options.SendTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return SendResult.Failed($"{delivery.Channel}: {e.Message}");
        }
    }

    /// <summary>A redelivered or replayed delivery whose outcome is already recorded is not sent again.</summary>
    private async Task<bool> AlreadySettledAsync(ConnectorDelivery delivery, CancellationToken ct)
    {
        if (_deliveredLately.TryGetValue(delivery.DeliveryId, out _)) return true;
        var view = await _messages.GetStatusAsync(delivery.MessageId, ct);
        var status = view?.Recipients.FirstOrDefault(r => r.Username == delivery.Recipient && r.Channel == delivery.Channel)?.Status;
        return status is MessageStatus.Delivered or MessageStatus.Read;
    }

    private async Task ScheduleRetryAsync(ConnectorDelivery delivery, SendResult result, CancellationToken ct)
    {
        var delays = _options.Delays();
        var jittered = delays[Math.Min(delivery.Attempt, delays.Count) - 1] * (0.8 + 0.4 * Random.Shared.NextDouble());
        var wait = result.RetryAfter is { } asked && asked > jittered ? asked : jittered;
        var next = delivery.Clone();
        next.Attempt++;
        _logger.LogInformation("{Delivery}: attempt {Attempt} failed ({Error}); attempt {Next} in {Wait}", delivery.DeliveryId, delivery.Attempt, result.Error, next.Attempt, wait);
        await _store.ScheduleDeliveryAsync(new ScheduledDelivery(delivery.DeliveryId, next.ToByteArray(), _clock.GetUtcNow() + wait), ct);
    }

    private async Task GiveUpAsync(ConnectorDelivery delivery, string reason, CancellationToken ct)
    {
        _logger.LogWarning("{Delivery}: giving up: {Reason}", delivery.DeliveryId, reason);
        var now = _clock.GetUtcNow();
        await _store.AddDeadDeliveryAsync(new DeadDelivery(delivery.DeliveryId, delivery.MessageId, delivery.Channel, delivery.Recipient, delivery.ToByteArray(), reason, now), ct);
        await _producer.ProduceAsync(Topics.DeadLetters, delivery.ConversationId, new DeadLetter
        {
            SourceTopic = Topics.Deliveries, Key = ByteString.CopyFromUtf8(delivery.ConversationId), Value = delivery.ToByteString(),
            Reason = reason, ConsumerGroup = GroupId, FailedAt = Timestamp.FromDateTimeOffset(now),
        }, EventTypes.DeadLetter, $"{delivery.DeliveryId}/dead/{delivery.Attempt}", ct);
        await ReceiptAsync(delivery, MessageStatus.Failed, reason, ct);
    }

    private Task ReceiptAsync(ConnectorDelivery delivery, string status, string detail, CancellationToken ct) =>
        _producer.PublishReceiptAsync(new StatusEvent
        {
            EventId = $"{delivery.DeliveryId}/{status}", MessageId = delivery.MessageId, ConversationId = delivery.ConversationId,
            SequenceNumber = delivery.SequenceNumber, From = delivery.From, Recipient = delivery.Recipient, Channel = delivery.Channel,
            Status = status, Detail = detail, At = Timestamp.FromDateTimeOffset(_clock.GetUtcNow()),
        }, ct);

    public override void Dispose()
    {
        _deliveredLately.Dispose();
        base.Dispose();
    }
}
