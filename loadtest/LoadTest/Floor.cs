using System.Diagnostics;
using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Confluent.Kafka;
using Google.Protobuf;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Chat.LoadTest;

/// <summary>
/// The floor under every HTTP figure: raw Confluent.Kafka produce of the same records (a MessageEvent in its ConversationEvent envelope), with the
/// same producer settings (idempotent, acks=all), to the same broker, on a topic of its own.
/// </summary>
public static class Floor
{
    private const string Topic = "loadtest.floor";

    public static double Measure(Target target, LoadOptions options)
    {
        target.Broker?.CreateTopic(Topic, 16);
        var payloads = Enumerable.Range(0, 1000).Select(i => new MessageEvent
        {
            MessageId = Guid.CreateVersion7().ToString(), ConversationId = Guid.CreateVersion7().ToString(), From = "load-a", To = { "load-b" },
            Channels = { "app" }, Payload = new Payload { Type = "text", Text = new string('x', options.TextBytes) },
            AcceptedAt = Timestamp.FromDateTime(DateTime.UtcNow),
        }).Select(e => (Key: e.ConversationId, Value: ConversationEvents.Of(e).ToByteArray())).ToArray();

        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
        {
            BootstrapServers = target.BootstrapServers, EnableIdempotence = true, Acks = Acks.All, LingerMs = 2,
            Partitioner = Partitioner.Murmur2Random,
        }).Build();
        Console.WriteLine($"Floor: producing {options.FloorMessages:N0} records of {payloads[0].Value.Length} B straight to Kafka …");
        var failed = 0;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < options.FloorMessages; i++)
        {
            var (key, value) = payloads[i % payloads.Length];
            while (true)
            {
                try
                {
                    producer.Produce(Topic, new Message<string, byte[]> { Key = key, Value = value }, r => { if (r.Error.IsError) Interlocked.Increment(ref failed); });
                    break;
                }
                catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(10));
                }
            }
        }
        producer.Flush(TimeSpan.FromMinutes(2));
        var rate = (options.FloorMessages - failed) / clock.Elapsed.TotalSeconds;
        if (failed > 0) Console.WriteLine($"Floor: {failed:N0} records failed");
        return rate;
    }
}
