using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Chat.Shared.Kafka;

/// <summary>
/// Keeping a member in its group while its work is slow or failing. A member that does not call
/// Consume for <c>max.poll.interval.ms</c> is evicted and its partitions bounce around the group;
/// so while a batch's work runs longer than <see cref="PauseAfter"/>, or waits to be retried, the
/// member pauses every partition it holds and goes on polling (heartbeats, rebalances) without
/// fetching — as Confluent's examples do. Resuming continues after the last record handed out,
/// that is right after the batch in hand.
/// </summary>
public abstract partial class BatchConsumer
{
    private static readonly TimeSpan PauseAfter = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PollStep = TimeSpan.FromMilliseconds(200);

    /// <summary>Records a paused poll returned (from a partition assigned during it): the next batch starts with them.</summary>
    private readonly List<ConsumeResult<string, byte[]>> _carried = [];

    /// <summary>The partitions this member paused for the batch in hand (touched on the consumer's thread only, callbacks included).</summary>
    private readonly HashSet<TopicPartition> _paused = [];

    /// <param name="workToken">The work's own: cancelled only <see cref="StopGrace"/> after <paramref name="stoppingToken"/>,
    /// so a stopping member finishes the attempt in hand (it does not retry a failing one).</param>
    private void ProcessUntilDone(IConsumer<string, byte[]> consumer, List<ConsumeResult<string, byte[]>> batch, BatchSpans spans, CancellationToken stoppingToken,
        CancellationToken workToken)
    {
        var paused = _paused;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    // Off this thread: work that blocks (a store waiting on a lock) must not block the polling.
                    var work = Task.Run(() => ProcessBatchAsync(batch, spans, workToken), CancellationToken.None);
                    // Even a stopping member waits for work in hand: it is not abandoned half done.
                    if (!((IAsyncResult)work).AsyncWaitHandle.WaitOne(PauseAfter))
                        while (!work.IsCompleted) PollPaused(consumer, paused);
                    work.GetAwaiter().GetResult();
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 100 * Math.Pow(2, Math.Min(attempt, 10))));
                    Logger.LogError(e, "Consumer group {Group}: a batch of {Count} records failed (attempt {Attempt}); retrying in {Delay}",
                        GroupId, batch.Count, attempt, delay);
                    var until = DateTime.UtcNow + delay;
                    while (DateTime.UtcNow < until && !stoppingToken.IsCancellationRequested) PollPaused(consumer, paused);
                    stoppingToken.ThrowIfCancellationRequested();
                    // A partition taken away meanwhile is its new owner's to process, from its committed offset.
                    lock (_revokedDuringBatch) batch.RemoveAll(r => _revokedDuringBatch.Contains(r.TopicPartition));
                    if (batch.Count == 0) return;
                }
            }
        }
        finally
        {
            Resume(consumer, paused);
        }
    }

    /// <summary>Pauses whatever this member holds and is not paused yet, then polls once without fetching.</summary>
    private void PollPaused(IConsumer<string, byte[]> consumer, HashSet<TopicPartition> paused)
    {
        var unpaused = consumer.Assignment.Where(p => !paused.Contains(p)).ToList();
        if (unpaused.Count > 0)
        {
            consumer.Pause(unpaused);
            paused.UnionWith(unpaused);
        }
        // Only a partition assigned during this very poll can hand out a record: keep it for the next batch.
        if (Consume(consumer, PollStep) is not { } stray) return;
        consumer.Pause([stray.TopicPartition]);
        paused.Add(stray.TopicPartition);
        lock (_carried) _carried.Add(stray);
    }

    private void Resume(IConsumer<string, byte[]> consumer, HashSet<TopicPartition> paused)
    {
        if (paused.Count == 0) return;
        var held = consumer.Assignment.Where(paused.Contains).ToList();
        if (held.Count > 0) consumer.Resume(held);
        paused.Clear();
        Logger.LogDebug("Consumer group {Group} resumed {Count} partition(s) of {Topic} after a slow or failing batch", GroupId, held.Count, Topic);
    }

    /// <summary>
    /// Called while <paramref name="revoked"/> are still assigned (the rebalance callback): resumes those paused
    /// here. librdkafka keeps a partition's pause across a revocation and only resumes an assigned one, so a
    /// partition taken away mid-batch (a session lost in a broker outage) and given back later would otherwise
    /// stay paused for good, its records accepted and never read.
    /// </summary>
    private void ResumeRevoked(IConsumer<string, byte[]> consumer, IEnumerable<TopicPartition> revoked)
    {
        var mine = revoked.Where(_paused.Contains).ToList();
        if (mine.Count == 0) return;
        _paused.ExceptWith(mine);
        try
        {
            consumer.Resume(mine);
        }
        catch (KafkaException e)
        {
            Logger.LogWarning(e, "Consumer group {Group}: could not resume {Count} revoked partition(s) of {Topic}", GroupId, mine.Count, Topic);
        }
    }

    private List<ConsumeResult<string, byte[]>> TakeCarried()
    {
        lock (_carried)
        {
            var carried = _carried.ToList();
            _carried.Clear();
            return carried;
        }
    }

    private void ForgetCarried(IReadOnlyCollection<TopicPartition> revoked)
    {
        lock (_carried) _carried.RemoveAll(r => revoked.Contains(r.TopicPartition));
    }
}
