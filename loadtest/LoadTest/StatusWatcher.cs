using System.Collections.Concurrent;
using System.Diagnostics;
using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Confluent.Kafka;

namespace Chat.LoadTest;

/// <summary>Reads chat.status from its current end and notes when each message was reported stored ("sent").</summary>
public sealed class StatusWatcher : IDisposable
{
    private readonly IConsumer<string, byte[]> _consumer;
    private readonly Thread _thread;
    private volatile bool _stopping;

    public ConcurrentDictionary<string, long> StoredAt { get; } = new();

    public StatusWatcher(string bootstrapServers)
    {
        // As many partitions as the broker has (Kafka:Partitions decides it for the embedded one).
        int partitions;
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build())
            partitions = admin.GetMetadata(Topics.Status, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count;
        _consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers, GroupId = "loadtest-" + Guid.NewGuid(), EnableAutoCommit = false, FetchWaitMaxMs = 10,
        }).Build();
        var ends = Enumerable.Range(0, partitions).Select(p => new TopicPartition(Topics.Status, p))
            .Select(tp => new TopicPartitionOffset(tp, _consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High));
        _consumer.Assign(ends);
        _thread = new Thread(Run) { IsBackground = true, Name = "status-watcher" };
        _thread.Start();
    }

    private void Run()
    {
        while (!_stopping)
        {
            var record = _consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (record is null) continue;
            var e = StatusEvent.Parser.ParseFrom(record.Message.Value);
            if (e.Status == "sent") StoredAt.TryAdd(e.MessageId, Stopwatch.GetTimestamp());
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
        _consumer.Dispose();
    }
}
