using System.Diagnostics;
using Confluent.Kafka;
using Google.Protobuf;
using Microsoft.Extensions.Options;

namespace Chat.Shared.Kafka;

/// <summary>
/// The process's one Kafka producer: idempotent, acks=all. A returned task completes only
/// when the broker has acknowledged the record; it faults if the broker cannot take it
/// within <see cref="KafkaOptions.ProduceTimeoutMs"/>.
/// </summary>
public sealed class EventProducer : IDisposable
{
    private readonly IProducer<string, byte[]> _producer;
    private readonly string _source;

    public EventProducer(IOptions<KafkaOptions> options)
    {
        _producer = new ProducerBuilder<string, byte[]>(options.Value.ProducerConfig()).Build();
        _source = "/" + options.Value.ClientId;
    }

    /// <param name="parent">The span this record continues (a consumed record's, say); default: the current one.</param>
    public async Task<DeliveryResult<string, byte[]>> ProduceAsync(
        string topic, string key, IMessage value, string eventType, string eventId, CancellationToken cancellationToken = default,
        ActivityContext parent = default)
    {
        using var activity = ChatTelemetry.Source.StartActivity($"{topic} publish", ActivityKind.Producer, parent);
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.destination.name", topic);
        activity?.SetTag("messaging.kafka.message.key", key);
        var message = new Message<string, byte[]>
        {
            Key = key,
            Value = value.ToByteArray(),
            Headers = EventHeaders.Create(eventType, eventId, _source),
        };
        var result = await _producer.ProduceAsync(topic, message, cancellationToken);
        activity?.SetTag("messaging.destination.partition.id", result.Partition.Value);
        return result;
    }

    /// <summary>
    /// A delivered/read/failed receipt for the Router to persist: on chat.receipts, keyed by conversation
    /// (so it follows that conversation's earlier receipts), stamped now if it carries no time.
    /// </summary>
    public Task PublishReceiptAsync(Chat.Shared.Events.StatusEvent receipt, CancellationToken cancellationToken = default)
    {
        receipt.At ??= Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow);
        return ProduceAsync(Topics.Receipts, receipt.ConversationId, receipt, EventTypes.Receipt, receipt.EventId, cancellationToken);
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }
}
