using Chat.Shared;
using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Chat.Storage;
using Confluent.Kafka;
using Google.Protobuf;
using Microsoft.Extensions.Options;

namespace Chat.Router;

/// <summary>
/// Consumer group on chat.receipts: persists delivered/read receipts from clients and platforms and
/// connectors' failed ones (forward only, history
/// appended), publishes the transitions on chat.status and pushes them to the senders.
/// </summary>
internal sealed class ReceiptWorker : BatchConsumer
{
    private readonly IMessageStore _store;
    private readonly StatusOutbox _outbox;
    private readonly LiveDelivery _live;

    public ReceiptWorker(IOptions<KafkaOptions> kafka, IOptions<RouterOptions> options, EventProducer producer, IMessageStore store,
        StatusOutbox outbox, LiveDelivery live, ILogger<ReceiptWorker> logger)
        : base(Topics.Receipts, options.Value.ReceiptsConsumerGroup, kafka.Value, producer, logger)
    {
        _store = store;
        _outbox = outbox;
        _live = live;
        MaxBatchSize = options.Value.MaxBatchSize;
    }

    protected override async Task ProcessBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, CancellationToken cancellationToken)
    {
        var receipts = new List<Receipt>(batch.Count);
        foreach (var record in batch)
        {
            var (receipt, problem) = Parse(record);
            if (receipt is null) await DeadLetterAsync(record, problem!, cancellationToken);
            else receipts.Add(receipt);
        }
        var changes = await _store.ApplyReceiptsAsync(receipts, cancellationToken);
        await _outbox.PublishAsync(changes, cancellationToken);
        await _live.StatusChangesAsync(changes, cancellationToken);
    }

    private static (Receipt? Receipt, string? Problem) Parse(ConsumeResult<string, byte[]> record)
    {
        var (e, problem) = ParseRecord(record, StatusEvent.Parser);
        if (e is null) return (null, problem);
        if (e.Status is not (MessageStatus.Delivered or MessageStatus.Read or MessageStatus.Failed))
            return (null, $"receipt status '{e.Status}' is not delivered, read or failed");
        if (e.Recipient.Length == 0 || e.Channel.Length == 0 || e.ConversationId.Length == 0) return (null, "receipt without recipient, channel or conversation_id");
        if (e.MessageId.Length == 0 && e.SequenceNumber <= 0) return (null, "receipt names neither message_id nor sequence_number");
        return (new Receipt(e.Status, e.Recipient, e.Channel, e.ConversationId,
            e.MessageId.Length > 0 ? e.MessageId : null, e.MessageId.Length > 0 ? null : e.SequenceNumber,
            e.At?.ToDateTimeOffset() ?? DateTimeOffset.UtcNow, e.Detail.Length > 0 ? e.Detail : null), null);
    }
}
