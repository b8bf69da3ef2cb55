using Confluent.Kafka;

namespace Chat.Testing;

/// <summary>Looks at a topic from outside, the way an operator would: offsets and records.</summary>
public static class KafkaProbe
{
    /// <summary>How many records the topic holds in all (sum of high watermarks).</summary>
    public static long RecordCount(string bootstrapServers, string topic, int partitions = 16)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "probe-" + Guid.NewGuid() }).Build();
        return Enumerable.Range(0, partitions)
            .Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(5)).High.Value);
    }

    /// <summary>Every record on the topic now, read by a throwaway group from the beginning.</summary>
    public static List<ConsumeResult<string, byte[]>> ReadAll(string bootstrapServers, string topic, int partitions = 16)
    {
        var expected = RecordCount(bootstrapServers, topic, partitions);
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "probe-" + Guid.NewGuid(),
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ConsumeResult<string, byte[]>>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (records.Count < expected && DateTime.UtcNow < deadline)
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } record) records.Add(record);
        return records;
    }
}
