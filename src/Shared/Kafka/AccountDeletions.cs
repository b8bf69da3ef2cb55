using Chat.Shared.Events;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Chat.Shared.Kafka;

/// <summary>
/// A consumer group on chat.accounts for one service: for each <see cref="AccountDeleted"/> it removes
/// what that service keeps of the user (<see cref="ForgetAsync"/>), before the offset commits, so a
/// deletion is never lost while the service is down. A deletion may arrive twice (Auth publishes it
/// again when a deletion is retried; a replay after a crash): <see cref="ForgetAsync"/> must be idempotent.
/// </summary>
public abstract class AccountDeletions(string groupId, KafkaOptions options, EventProducer producer, ConsumerMetrics metrics, ILogger logger)
    : BatchConsumer(Topics.Accounts, groupId, options, producer, metrics, logger)
{
    /// <summary>Removes what this service keeps of <paramref name="username"/>; throws to be offered the record again.</summary>
    protected abstract Task ForgetAsync(string username, DateTimeOffset deletedAt, CancellationToken cancellationToken);

    protected override async Task ProcessBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, BatchSpans spans, CancellationToken cancellationToken)
    {
        foreach (var record in batch)
        {
            if (EventHeaders.Get(record.Message.Headers, EventHeaders.Type) is var type && type != EventTypes.AccountDeleted)
            {
                await DeadLetterAsync(record, $"not a {EventTypes.AccountDeleted} record ({type ?? "no type"}): not read", cancellationToken);
                continue;
            }
            var (deleted, problem) = ParseRecord(record, AccountDeleted.Parser);
            if (deleted is not { Username.Length: > 0 })
            {
                await DeadLetterAsync(record, problem ?? "an AccountDeleted without a username", cancellationToken);
                continue;
            }
            using (spans.Enter(record))
                await ForgetAsync(deleted.Username, deleted.DeletedAt?.ToDateTimeOffset() ?? DateTimeOffset.UnixEpoch, cancellationToken);
        }
    }
}
