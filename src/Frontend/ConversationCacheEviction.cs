using Chat.Shared.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Chat.Frontend;

/// <summary>
/// Reads chat.conversations in a consumer group of this process alone (every Frontend must see every
/// change) and evicts each changed conversation from <see cref="ConversationCache"/>. It reads the
/// Router's decisions, not the requests on chat.messages: a request evicted before the Router applied
/// it would let the old members be cached again.
/// </summary>
internal sealed class ConversationCacheEviction(
    ConversationCache cache, IOptions<KafkaOptions> kafka, EventProducer producer, ConsumerMetrics metrics, ILogger<ConversationCacheEviction> logger)
    : BatchConsumer(Topics.Conversations, $"chat-frontend-cache-{Environment.MachineName}-{Guid.NewGuid():N}", kafka.Value, producer, metrics, logger)
{
    protected override Task ProcessBatchAsync(IReadOnlyList<ConsumeResult<string, byte[]>> batch, BatchSpans spans, CancellationToken cancellationToken)
    {
        // The key is the conversation; the value need not be read to evict it. A change to a message (issue 17) changes no membership.
        foreach (var record in batch)
            if (record.Message.Key is { Length: > 0 } conversationId && EventHeaders.Get(record.Message.Headers, EventHeaders.Type) != EventTypes.MessageChanged)
                cache.Evict(conversationId);
        return Task.CompletedTask;
    }
}
