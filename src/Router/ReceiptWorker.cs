using System.Diagnostics;
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
/// appended), publishes the transitions on chat.status and pushes them to the senders; a read up to
/// a sequence number also moves the reader's read cursor and tells their sockets.
/// </summary>
internal sealed class ReceiptWorker : BatchConsumer
{
    private readonly IMessageStore _store;
    private readonly StatusOutbox _outbox;
    private readonly LiveDelivery _live;

    public ReceiptWorker(IOptions<KafkaOptions> kafka, IOptions<RouterOptions> options, EventProducer producer, ConsumerMetrics metrics, IMessageStore store,
        StatusOutbox outbox, LiveDelivery live, ILogger<ReceiptWorker> logger)
        : base(Topics.Receipts, options.Value.ReceiptsConsumerGroup, kafka.Value, producer, metrics, logger)
    {
        _store = store;
        _outbox = outbox;
        _live = live;
        MaxBatchSize = options.Value.MaxBatchSize;
    }

    protected override async Task ProcessBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, BatchSpans spans, CancellationToken cancellationToken)
    {
        var receipts = new List<Receipt>(batch.Count);
        // A change continues the trace of the receipt behind it: the one naming its message, else the last for that recipient and channel.
        var byMessage = new Dictionary<(string, string, string), ActivityContext>();
        var byRecipient = new Dictionary<(string, string, string), ActivityContext>();
        foreach (var record in batch)
        {
            var (receipt, problem) = Parse(record);
            if (receipt is null)
            {
                await DeadLetterAsync(record, problem!, cancellationToken);
                continue;
            }
            receipts.Add(receipt);
            if (receipt.MessageId is { } id) byMessage[(id, receipt.Username, receipt.Channel)] = spans.ContextOf(record);
            byRecipient[(receipt.ConversationId, receipt.Username, receipt.Channel)] = spans.ContextOf(record);
        }
        // A note from a connector (an edit or delete the platform could not apply) is history, not a transition.
        await _store.AddStatusNotesAsync(receipts.Where(r => r.Status == ConnectorActions.NoteReceipt && r.MessageId is not null).ToList(), cancellationToken);
        receipts.RemoveAll(r => r.Status == ConnectorActions.NoteReceipt);
        // A read within a thread moves only that thread's cursor (issue 25): the conversation's statuses and cursor stay.
        var threadMoves = await _store.MoveThreadCursorsAsync(receipts
            .Where(r => r is { Status: MessageStatus.Read, Channel: Channels.App, UpToSequence: not null, ThreadRoot: not null })
            .Select(r => new ThreadCursorMove(r.ConversationId, r.ThreadRoot!, r.Username, r.UpToSequence!.Value)).ToList(), cancellationToken);
        await _live.ThreadCursorsAsync(threadMoves, cancellationToken);
        receipts.RemoveAll(r => r.ThreadRoot is not null);
        // A private reader's reads move their own cursor only: no message becomes read for them, so no receipt reaches the sender (issue 25).
        var privateReaders = await _store.PrivateReadersAsync(receipts.Where(r => r.Status == MessageStatus.Read).Select(r => r.Username).ToHashSet(), cancellationToken);
        var changes = await _store.ApplyReceiptsAsync(receipts
            .Where(r => r.Status != MessageStatus.UnreadReceipt && !(r.Status == MessageStatus.Read && privateReaders.Contains(r.Username))).ToList(), cancellationToken);
        await _outbox.PublishAsync(changes, c => byMessage.TryGetValue((c.MessageId, c.Recipient ?? "", c.Channel ?? ""), out var trace)
            ? trace
            : byRecipient.GetValueOrDefault((c.ConversationId, c.Recipient ?? "", c.Channel ?? "")), cancellationToken);
        await _live.StatusChangesAsync(changes, cancellationToken);
        // A read up to a sequence number is also the reader's cursor (issue 16): moved forward only, then every socket of theirs hears it.
        // A mark unread moves it back, in the partition's order among the reads (issue 25).
        var moved = await _store.MoveReadCursorsAsync(receipts
            .Where(r => r is { Status: MessageStatus.Read or MessageStatus.UnreadReceipt, Channel: Channels.App, UpToSequence: not null })
            .Select(r => new ReadCursorMove(r.ConversationId, r.Username, r.UpToSequence!.Value, Back: r.Status == MessageStatus.UnreadReceipt)).ToList(),
            cancellationToken);
        await _live.ReadCursorsAsync(moved, cancellationToken);
    }

    private static (Receipt? Receipt, string? Problem) Parse(ConsumeResult<string, byte[]> record)
    {
        var (e, problem) = ParseRecord(record, StatusEvent.Parser);
        if (e is null) return (null, problem);
        if (e.Status is not (MessageStatus.Delivered or MessageStatus.Read or MessageStatus.Failed or ConnectorActions.NoteReceipt or MessageStatus.UnreadReceipt))
            return (null, $"receipt status '{e.Status}' is not delivered, read, failed, note or unread");
        if (e.Status == MessageStatus.UnreadReceipt && (e.MessageId.Length > 0 || e.SequenceNumber < 0)) return (null, "an unread receipt names a sequence number only");
        if (e.Recipient.Length == 0 || e.Channel.Length == 0 || e.ConversationId.Length == 0) return (null, "receipt without recipient, channel or conversation_id");
        if (e.MessageId.Length == 0 && e.SequenceNumber <= 0 && e.Status != MessageStatus.UnreadReceipt) return (null, "receipt names neither message_id nor sequence_number");
        return (new Receipt(e.Status, e.Recipient, e.Channel, e.ConversationId,
            e.MessageId.Length > 0 ? e.MessageId : null, e.MessageId.Length > 0 ? null : e.SequenceNumber,
            e.At?.ToDateTimeOffset() ?? DateTimeOffset.UtcNow, e.Detail.Length > 0 ? e.Detail : null, e.ThreadRoot.Length > 0 ? e.ThreadRoot : null), null);
    }
}
