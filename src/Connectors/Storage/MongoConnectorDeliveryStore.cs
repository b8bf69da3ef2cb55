using Chat.Storage.Mongo;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;

namespace Chat.Connectors.Storage;

/// <summary>The connector delivery store on MongoDB (collections <c>scheduled_deliveries</c>, <c>dead_deliveries</c>).</summary>
internal sealed class MongoConnectorDeliveryStore : IConnectorDeliveryStore
{
    private readonly IMongoCollection<ScheduledDocument> _scheduled;
    private readonly IMongoCollection<DeadDocument> _dead;
    private readonly IMongoCollection<PlatformMessageDocument> _platformMessages;

    public MongoConnectorDeliveryStore(string connectionString, string database)
    {
        var (_, db) = MongoConnection.Open(connectionString, database, typeof(MongoConnectorDeliveryStore).Namespace!);
        _scheduled = db.GetCollection<ScheduledDocument>("scheduled_deliveries");
        _dead = db.GetCollection<DeadDocument>("dead_deliveries");
        _platformMessages = db.GetCollection<PlatformMessageDocument>("platform_messages");
        _scheduled.Indexes.CreateOne(new CreateIndexModel<ScheduledDocument>(Builders<ScheduledDocument>.IndexKeys.Ascending(d => d.DueAt)));
    }

    public Task ScheduleDeliveryAsync(ScheduledDelivery delivery, CancellationToken cancellationToken = default) =>
        _scheduled.ReplaceOneAsync(d => d.Id == delivery.Id, new ScheduledDocument { Id = delivery.Id, Delivery = delivery.Delivery, DueAt = delivery.DueAt.UtcDateTime },
            new ReplaceOptions { IsUpsert = true }, cancellationToken);

    public async Task<IReadOnlyList<ScheduledDelivery>> DueDeliveriesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default) =>
        (await _scheduled.Find(d => d.DueAt <= now.UtcDateTime).SortBy(d => d.DueAt).Limit(limit).ToListAsync(cancellationToken))
        .Select(d => new ScheduledDelivery(d.Id, d.Delivery, new DateTimeOffset(d.DueAt, TimeSpan.Zero))).ToList();

    public Task RemoveScheduledDeliveryAsync(string id, DateTimeOffset dueAt, CancellationToken cancellationToken = default) =>
        _scheduled.DeleteOneAsync(d => d.Id == id && d.DueAt == dueAt.UtcDateTime, cancellationToken);

    public Task RecordPlatformMessageAsync(PlatformMessage sent, CancellationToken cancellationToken = default)
    {
        var id = PlatformMessageDocument.IdOf(sent.MessageId, sent.Recipient, sent.Channel);
        return _platformMessages.ReplaceOneAsync(d => d.Id == id,
            new PlatformMessageDocument { Id = id, PlatformMessageId = sent.PlatformMessageId, SentAt = sent.SentAt.UtcDateTime },
            new ReplaceOptions { IsUpsert = true }, cancellationToken);
    }

    public async Task<string?> FindPlatformMessageAsync(string messageId, string recipient, string channel, CancellationToken cancellationToken = default)
    {
        var id = PlatformMessageDocument.IdOf(messageId, recipient, channel);
        return (await _platformMessages.Find(d => d.Id == id).FirstOrDefaultAsync(cancellationToken))?.PlatformMessageId;
    }

    public Task AddDeadDeliveryAsync(DeadDelivery dead, CancellationToken cancellationToken = default) =>
        _dead.ReplaceOneAsync(d => d.Id == dead.Id, new DeadDocument
        {
            Id = dead.Id, MessageId = dead.MessageId, Channel = dead.Channel, Recipient = dead.Recipient, Delivery = dead.Delivery,
            Reason = dead.Reason, FailedAt = dead.FailedAt.UtcDateTime,
        }, new ReplaceOptions { IsUpsert = true }, cancellationToken);

    public async Task<IReadOnlyList<DeadDelivery>> DeadDeliveriesAsync(int limit, CancellationToken cancellationToken = default) =>
        (await _dead.Find(FilterDefinition<DeadDocument>.Empty).SortByDescending(d => d.FailedAt).Limit(limit).ToListAsync(cancellationToken))
        .Select(d => d.ToModel()).ToList();

    public async Task<DeadDelivery?> TakeDeadDeliveryAsync(string id, CancellationToken cancellationToken = default) =>
        (await _dead.FindOneAndDeleteAsync(d => d.Id == id, cancellationToken: cancellationToken))?.ToModel();
}

internal sealed class ScheduledDocument
{
    [BsonId] public required string Id { get; init; }
    public required byte[] Delivery { get; init; }
    public required DateTime DueAt { get; init; }
}

internal sealed class DeadDocument
{
    [BsonId] public required string Id { get; init; }
    public required string MessageId { get; init; }
    public required string Channel { get; init; }
    public required string Recipient { get; init; }
    public required byte[] Delivery { get; init; }
    public required string Reason { get; init; }
    public required DateTime FailedAt { get; init; }

    public DeadDelivery ToModel() => new(Id, MessageId, Channel, Recipient, Delivery, Reason, new DateTimeOffset(FailedAt, TimeSpan.Zero));
}

/// <summary>What a platform called a message it accepted; id = message id, recipient and channel, newline-separated.</summary>
internal sealed class PlatformMessageDocument
{
    [BsonId] public required string Id { get; init; }
    public required string PlatformMessageId { get; init; }
    public required DateTime SentAt { get; init; }

    public static string IdOf(string messageId, string recipient, string channel) => $"{messageId}\n{recipient}\n{channel}";
}
