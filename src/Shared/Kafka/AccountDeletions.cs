using Chat.Shared.Events;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Chat.Shared.Kafka;

/// <summary>
/// One service's part of an account deletion: what it keeps of the user, removed. A deletion may arrive
/// twice (Auth publishes it again when a deletion is retried; a replay after a crash), so
/// <see cref="ForgetAsync"/> must be idempotent.
/// </summary>
public interface IAccountDeletionHandler
{
    /// <summary>The service's own consumer group on chat.accounts, so each service reads every deletion.</summary>
    static abstract string ConsumerGroup { get; }

    /// <summary>Removes what this service keeps of <paramref name="username"/>; throws to be offered the record again.</summary>
    Task ForgetAsync(string username, DateTimeOffset deletedAt, CancellationToken cancellationToken);
}

/// <summary>
/// A consumer group on chat.accounts for one service (<typeparamref name="THandler"/>): for each
/// <see cref="AccountDeleted"/> the handler removes what that service keeps of the user before the offset
/// commits, so a deletion is never lost while the service is down.
/// </summary>
public sealed class AccountDeletions<THandler>(
    THandler handler, IOptions<KafkaOptions> options, EventProducer producer, ConsumerMetrics metrics, ILogger<AccountDeletions<THandler>> logger)
    : BatchConsumer(Topics.Accounts, THandler.ConsumerGroup, options.Value, producer, metrics, logger)
    where THandler : class, IAccountDeletionHandler
{
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
                await handler.ForgetAsync(deleted.Username, deleted.DeletedAt?.ToDateTimeOffset() ?? DateTimeOffset.UnixEpoch, cancellationToken);
        }
    }
}

public static class AccountDeletionsExtensions
{
    /// <summary>Runs <typeparamref name="THandler"/> for every account deletion, in its own consumer group.</summary>
    public static IServiceCollection AddAccountDeletions<THandler>(this IServiceCollection services) where THandler : class, IAccountDeletionHandler
    {
        services.TryAddSingleton<THandler>();
        services.AddHostedService<AccountDeletions<THandler>>();
        return services;
    }
}
