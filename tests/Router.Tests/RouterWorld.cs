using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Chat.Storage;
using Confluent.Kafka;
using Google.Protobuf;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Chat.Router.Tests;

/// <summary>A broker, a data directory and conversations in its store, ready for routers to join.</summary>
public sealed class RouterWorld : IAsyncDisposable
{
    private readonly TempDirectory _data = new();
    private readonly IProducer<string, byte[]> _producer;

    public static async Task<RouterWorld> StartAsync(TestBrokerKind broker, int conversations) => new(await broker.StartAsync(), conversations);

    private RouterWorld(ITestBroker broker, int conversations)
    {
        Broker = broker;
        _producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
        {
            BootstrapServers = Broker.BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            Partitioner = Partitioner.Murmur2Random,
        }).Build();
        Store = Stores.OpenMessageStore(_data.Path);
        Conversations = Enumerable.Range(0, conversations).Select(i =>
        {
            var draft = new Conversation($"conv-{i:000}", Conversation.Group, ["alice", "bob"], null, "alice", DateTimeOffset.UtcNow);
            return Store.CreateConversationAsync(draft).GetAwaiter().GetResult().Conversation.ConversationId;
        }).ToList();
    }

    public ITestBroker Broker { get; }
    public IMessageStore Store { get; }
    public IReadOnlyList<string> Conversations { get; }
    public string DataDir => _data.Path;

    public Task<RouterNode> StartRouterAsync(IDictionary<string, string?>? settings = null) => RouterNode.StartAsync(Broker.BootstrapServers, _data.Path, settings);

    public static MessageEvent Message(string id, string conversation, string text, params string[] channels) => new()
    {
        MessageId = id,
        ConversationId = conversation,
        From = "alice",
        To = { "bob" },
        Channels = { channels.Length == 0 ? ["app"] : channels },
        Payload = new Payload { Type = "text", Text = text },
        AcceptedAt = Timestamp.FromDateTime(DateTime.UtcNow),
    };

    /// <summary>As the Frontend sends a message: in its ConversationEvent envelope, with its event type.</summary>
    public Task ProduceAsync(MessageEvent e) => ProduceRawAsync(e.ConversationId, ConversationEvents.Of(e).ToByteArray());

    /// <param name="eventType">The <c>ce_type</c> header; null for none.</param>
    public Task ProduceRawAsync(string key, byte[] value, string? eventType = EventTypes.Message) =>
        _producer.ProduceAsync(Topics.Messages, new Message<string, byte[]>
        {
            Key = key,
            Value = value,
            Headers = eventType is null ? null : EventHeaders.Create(eventType, Guid.NewGuid().ToString(), "/router-tests"),
        });

    /// <summary>Every record on chat.dlq now.</summary>
    public List<DeadLetter> DeadLetters() =>
        KafkaProbe.ReadAll(Broker.BootstrapServers, Topics.DeadLetters).Select(r => DeadLetter.Parser.ParseFrom(r.Message.Value)).ToList();

    /// <summary>Messages stored per conversation, in sequence order.</summary>
    public async Task<Dictionary<string, IReadOnlyList<StoredMessage>>> StoredAsync()
    {
        var all = new Dictionary<string, IReadOnlyList<StoredMessage>>();
        foreach (var c in Conversations) all[c] = await Store.GetMessagesAsync(c, 0, 100_000);
        return all;
    }

    public async Task<int> StoredCountAsync() => (await StoredAsync()).Values.Sum(m => m.Count);

    public async ValueTask DisposeAsync()
    {
        _producer.Dispose();
        await Broker.DisposeAsync();
        _data.Dispose();
    }
}
