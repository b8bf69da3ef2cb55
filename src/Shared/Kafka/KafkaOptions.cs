using System.ComponentModel.DataAnnotations;
using Chat.Shared.Configuration;
using Confluent.Kafka;

namespace Chat.Shared.Kafka;

/// <summary>Section <c>Kafka</c>. An empty <see cref="BootstrapServers"/> means the Host starts the embedded broker.</summary>
public sealed class KafkaOptions : IValidatableObject
{
    public const string Section = "Kafka";

    [Required(ErrorMessage = "expected host:port of a broker. Set it, or run the Host, which starts an embedded broker when it is empty.")]
    public string BootstrapServers { get; set; } = "";

    /// <summary>Partitions of each topic the embedded broker creates.</summary>
    [AtLeast(1)]
    public int Partitions { get; set; } = 16;

    /// <summary>How long a produce may wait for the broker before the caller is told it failed.</summary>
    [AtLeast(1)]
    public int ProduceTimeoutMs { get; set; } = 5_000;

    [AtLeast(0)]
    public int LingerMs { get; set; } = 2;

    [AtLeast(1)]
    public int SessionTimeoutMs { get; set; } = 10_000;

    [AtLeast(1)]
    public int HeartbeatIntervalMs { get; set; } = 1_000;

    /// <summary>
    /// Longest a member may go without polling before the group evicts it. Members keep polling
    /// (paused) while their work is slow or failing, so this bounds a stuck thread, not a store outage.
    /// </summary>
    [AtLeast(1)]
    public int MaxPollIntervalMs { get; set; } = 300_000;

    [Required(ErrorMessage = "expected a client id, like chat.")]
    public string ClientId { get; set; } = "chat";

    /// <summary>
    /// Longest a fetch waits for records. Real brokers answer as soon as one record arrives; the
    /// embedded one waits out the whole interval, so it bounds consumer latency there.
    /// </summary>
    [AtLeast(0)]
    public int FetchWaitMaxMs { get; set; } = 50;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A member that heartbeats less often than its session lasts is expelled from its group again and again.
        if (HeartbeatIntervalMs >= SessionTimeoutMs)
            yield return new ValidationResult($"expected less than Kafka:SessionTimeoutMs ({SessionTimeoutMs}).", [nameof(HeartbeatIntervalMs)]);
        // librdkafka refuses a poll interval shorter than the session.
        if (MaxPollIntervalMs < SessionTimeoutMs)
            yield return new ValidationResult($"expected at least Kafka:SessionTimeoutMs ({SessionTimeoutMs}).", [nameof(MaxPollIntervalMs)]);
    }

    internal ProducerConfig ProducerConfig() => new()
    {
        BootstrapServers = BootstrapServers,
        ClientId = ClientId,
        // librdkafka's default is off; without it a retried produce can duplicate or reorder.
        EnableIdempotence = true,
        Acks = Acks.All,
        LingerMs = LingerMs,
        MessageTimeoutMs = ProduceTimeoutMs,
        RequestTimeoutMs = Math.Min(ProduceTimeoutMs, 30_000),
        // librdkafka's default partitioner is consistent_random; Java clients use murmur2.
        // Pick murmur2_random so any producer, in any language, keys a conversation to one partition.
        Partitioner = Partitioner.Murmur2Random,
    };

    /// <summary>
    /// A consumer that commits only offsets its owner stored: auto-commit on, auto-store off.
    /// <c>auto.offset.reset=error</c> so a reset is seen and reported, never silent.
    /// </summary>
    public ConsumerConfig ConsumerConfig(string groupId) => new()
    {
        BootstrapServers = BootstrapServers,
        ClientId = ClientId,
        GroupId = groupId,
        EnableAutoCommit = true,
        AutoCommitIntervalMs = 1_000,
        EnableAutoOffsetStore = false,
        AutoOffsetReset = AutoOffsetReset.Error,
        SessionTimeoutMs = SessionTimeoutMs,
        HeartbeatIntervalMs = HeartbeatIntervalMs,
        MaxPollIntervalMs = MaxPollIntervalMs,
        PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
        IsolationLevel = IsolationLevel.ReadCommitted,
        FetchWaitMaxMs = FetchWaitMaxMs,
    };
}
