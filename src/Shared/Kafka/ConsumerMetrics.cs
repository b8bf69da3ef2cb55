using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Chat.Shared.Kafka;

/// <summary>
/// The consumer instruments of one service provider: offset resets, and the lag of every group,
/// topic and partition this process's consumers hold (the log end offset less the next offset to
/// process, after each batch). One per provider, shared by its <see cref="BatchConsumer"/>s.
/// </summary>
public sealed class ConsumerMetrics
{
    private readonly ConcurrentDictionary<(string Group, string Topic, int Partition), long> _lag = new();
    private readonly Counter<long> _offsetResets;

    public ConsumerMetrics(IMeterFactory meters)
    {
        var meter = meters.CreateChatMeter();
        _offsetResets = meter.CreateCounter<long>("chat.consumer.offset_resets",
            description: "Offsets found out of range: records may have been lost from the log");
        meter.CreateObservableGauge("chat.consumer.lag",
            () => _lag.Select(l => new Measurement<long>(l.Value, new KeyValuePair<string, object?>("group", l.Key.Group),
                new KeyValuePair<string, object?>("topic", l.Key.Topic), new KeyValuePair<string, object?>("partition", l.Key.Partition))),
            description: "Records in the log not yet processed by the group, per partition");
    }

    public void OffsetReset(string group, string topic) =>
        _offsetResets.Add(1, new KeyValuePair<string, object?>("group", group), new KeyValuePair<string, object?>("topic", topic));

    public void Lag(string group, string topic, int partition, long lag) => _lag[(group, topic, partition)] = lag;

    /// <summary>A partition this process no longer holds: its lag is its new owner's to report.</summary>
    public void Forget(string group, string topic, int partition) => _lag.TryRemove((group, topic, partition), out _);
}
