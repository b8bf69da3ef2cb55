using System.Diagnostics;
using Chat.Shared.Events;
using Confluent.Kafka;
using Google.Protobuf;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Chat.Shared.Kafka;

/// <summary>
/// A consumer-group member that reads records in batches on its own thread and hands each
/// batch to <see cref="ProcessBatchAsync"/>. It stores a batch's offsets only after that call
/// returned, so it never commits past a record whose work is not durable. A failing batch is
/// retried with backoff (the records are not lost); records that can never succeed are the
/// subclass's to send to <see cref="DeadLetterAsync"/>. Work that fails or takes long never
/// stops the polling: the member pauses its partitions and keeps calling Consume, so it stays
/// in its group however long a store outage lasts, and resumes after the batch in hand
/// (see <c>BatchConsumer.Paused.cs</c>). On shutdown it finishes the batch in hand (its work is not
/// cancelled for <see cref="StopGrace"/>), then closes the consumer, which commits what was stored
/// and leaves the group.
/// </summary>
public abstract partial class BatchConsumer(
    string topic, string groupId, KafkaOptions options, EventProducer producer, ConsumerMetrics metrics, ILogger logger)
    : BackgroundService
{
    private readonly HashSet<TopicPartition> _revokedDuringBatch = [];
    private readonly HashSet<TopicPartition> _assigned = [];
    private long _recordsProcessed;
    private long _partitionsTakenAway;
    private BatchSpans? _spans; // of the batch in hand, so a dead letter continues its record's trace

    /// <summary>
    /// How long the work in hand may go on after the service is asked to stop. Cancelled at once, work is
    /// left half done — a platform send answered but its receipt not yet produced — and done again after
    /// the restart (issue 15: a rolling restart sent a Telegram message twice). Within the host's 30 s.
    /// </summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    protected int MaxBatchSize { get; init; } = 500;
    protected TimeSpan MaxBatchWait { get; init; } = TimeSpan.FromMilliseconds(20);

    protected string GroupId => groupId;

    private ILogger Logger => logger;

    public string Topic => topic;

    /// <summary>Records whose work this member finished (for health, metrics and tests).</summary>
    public long RecordsProcessed => Interlocked.Read(ref _recordsProcessed);

    /// <summary>Partitions revoked from or lost by this member since it started (a rebalance, or eviction from the group).</summary>
    public long PartitionsTakenAway => Interlocked.Read(ref _partitionsTakenAway);

    /// <summary>The partitions this member holds now.</summary>
    public IReadOnlyList<TopicPartition> Assignment
    {
        get { lock (_assigned) return _assigned.ToList(); }
    }

    /// <summary>
    /// Does the batch's work durably, or throws to have the same batch offered again. Work for one
    /// record runs in <see cref="BatchSpans.Enter"/> (or names its span as parent), so that record's trace goes on.
    /// </summary>
    protected abstract Task ProcessBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, BatchSpans spans, CancellationToken cancellationToken);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(options.ConsumerConfig(groupId))
            .SetErrorHandler((_, e) => logger.LogWarning("Kafka consumer {Group}: {Reason}", groupId, e.Reason))
            .SetPartitionsAssignedHandler((_, assigned) => { lock (_assigned) _assigned.UnionWith(assigned); })
            .SetPartitionsRevokedHandler((c, revoked) => Revoke(c, revoked.Select(r => r.TopicPartition)))
            .SetPartitionsLostHandler((c, lost) => Revoke(c, lost.Select(r => r.TopicPartition)))
            .Build();
        consumer.Subscribe(topic);
        logger.LogInformation("Consumer group {Group} subscribed to {Topic}", groupId, topic);
        using var abandonWork = new CancellationTokenSource();
        using var onStop = stoppingToken.Register(() => abandonWork.CancelAfter(StopGrace));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var batch = ReadBatch(consumer, stoppingToken);
                if (batch.Count == 0) continue;
                using (_spans = new BatchSpans(batch, topic, groupId))
                    ProcessUntilDone(consumer, batch, _spans, stoppingToken, abandonWork.Token);
                foreach (var record in batch) StoreOffset(consumer, record);
                Interlocked.Add(ref _recordsProcessed, batch.Count);
                RecordLag(consumer, batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            consumer.Close();
            lock (_assigned) _assigned.Clear();
            logger.LogInformation("Consumer group {Group} left {Topic}", groupId, topic);
        }
    }

    private void RecordLag(IConsumer<string, byte[]> consumer, List<ConsumeResult<string, byte[]>> batch)
    {
        foreach (var last in batch.GroupBy(r => r.TopicPartition).Select(g => g.Last()))
        {
            // The watermarks the last fetch brought: no broker round trip.
            var high = consumer.GetWatermarkOffsets(last.TopicPartition).High;
            if (high != Offset.Unset) metrics.Lag(groupId, last.Topic, last.Partition.Value, Math.Max(0, high.Value - (last.Offset.Value + 1)));
        }
    }

    private void Revoke(IConsumer<string, byte[]> consumer, IEnumerable<TopicPartition> partitions)
    {
        var list = partitions.ToList();
        ResumeRevoked(consumer, list);
        Interlocked.Add(ref _partitionsTakenAway, list.Count);
        foreach (var partition in list) metrics.Forget(groupId, partition.Topic, partition.Partition.Value);
        lock (_revokedDuringBatch) _revokedDuringBatch.UnionWith(list);
        ForgetCarried(list);
        lock (_assigned) _assigned.ExceptWith(list);
    }

    private List<ConsumeResult<string, byte[]>> ReadBatch(IConsumer<string, byte[]> consumer, CancellationToken stoppingToken)
    {
        lock (_revokedDuringBatch) _revokedDuringBatch.Clear();
        var batch = TakeCarried();
        if (batch.Count == 0)
        {
            var first = Consume(consumer, TimeSpan.FromMilliseconds(250));
            if (first is null) return batch;
            batch.Add(first);
        }
        var clock = Stopwatch.StartNew();
        while (batch.Count < MaxBatchSize && !stoppingToken.IsCancellationRequested)
        {
            var left = MaxBatchWait - clock.Elapsed;
            var next = Consume(consumer, left > TimeSpan.Zero ? left : TimeSpan.Zero);
            if (next is null) break;
            batch.Add(next);
        }
        // A partition taken away while we read belongs to its new owner now, from its committed offset.
        lock (_revokedDuringBatch)
            if (_revokedDuringBatch.Count > 0) batch.RemoveAll(r => _revokedDuringBatch.Contains(r.TopicPartition));
        return batch;
    }

    private ConsumeResult<string, byte[]>? Consume(IConsumer<string, byte[]> consumer, TimeSpan timeout)
    {
        try
        {
            return consumer.Consume(timeout);
        }
        catch (ConsumeException e) when (e.Error.Code == ErrorCode.Local_AutoOffsetReset)
        {
            OnOffsetReset(consumer, e);
            return null;
        }
        catch (ConsumeException e) when (!e.Error.IsFatal)
        {
            logger.LogWarning(e, "Consumer group {Group} could not read from {Topic}", groupId, topic);
            return null;
        }
    }

    /// <summary>
    /// A group's first start has no committed offset: begin at the start of the log. A committed
    /// offset the log no longer holds means records were dropped before we read them: an alarm.
    /// </summary>
    private void OnOffsetReset(IConsumer<string, byte[]> consumer, ConsumeException e)
    {
        var partition = e.ConsumerRecord?.TopicPartition;
        if (e.Error.Reason.Contains("no previously committed offset", StringComparison.OrdinalIgnoreCase))
            logger.LogInformation("Consumer group {Group} starts {Partition} from the beginning", groupId, partition);
        else
        {
            metrics.OffsetReset(groupId, topic);
            logger.LogError("Consumer group {Group}: committed offset of {Partition} is no longer in the log ({Reason}). " +
                            "Records between it and the log start were never processed. Resuming from the log start.",
                groupId, partition, e.Error.Reason);
            OnRecordsLost();
        }
        // The partition is in an error state where Seek is refused; re-assigning it with a position is not.
        if (partition is null) return;
        consumer.IncrementalUnassign([partition]);
        consumer.IncrementalAssign([new TopicPartitionOffset(partition, Offset.Beginning)]);
    }

    /// <summary>Called when a committed offset fell out of the log: records may never have been read.</summary>
    protected virtual void OnRecordsLost()
    {
    }

    private void StoreOffset(IConsumer<string, byte[]> consumer, ConsumeResult<string, byte[]> record)
    {
        try
        {
            consumer.StoreOffset(record);
        }
        catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_State)
        {
            // The partition moved to another member meanwhile; it resumes from the last commit and dedupes.
            logger.LogDebug("Offset {Offset} not stored: partition no longer assigned", record.TopicPartitionOffset);
        }
    }

    /// <summary>The protobuf message a record carries, or why it does not parse.</summary>
    protected static (T? Value, string? Problem) ParseRecord<T>(ConsumeResult<string, byte[]> record, MessageParser<T> parser) where T : class, IMessage<T> =>
        ConversationEvents.Parse(record, parser);

    /// <summary>Parks a record that can never be processed on <c>chat.dlq</c>, with why; returns once the broker has it.</summary>
    protected async Task DeadLetterAsync(ConsumeResult<string, byte[]> record, string reason, CancellationToken cancellationToken)
    {
        logger.LogWarning("Dead-lettering {Record} from group {Group}: {Reason}", record.TopicPartitionOffset, groupId, reason);
        var letter = new DeadLetter
        {
            SourceTopic = record.Topic,
            SourcePartition = record.Partition.Value,
            SourceOffset = record.Offset.Value,
            Key = ByteString.CopyFromUtf8(record.Message.Key ?? ""),
            Value = ByteString.CopyFrom(record.Message.Value ?? []),
            Reason = reason,
            ConsumerGroup = groupId,
            FailedAt = Timestamp.FromDateTime(DateTime.UtcNow),
        };
        await producer.ProduceAsync(Topics.DeadLetters, record.Message.Key ?? "", letter, EventTypes.DeadLetter,
            $"{record.Topic}/{record.Partition.Value}/{record.Offset.Value}", cancellationToken, _spans?.ContextOf(record) ?? default);
    }
}
