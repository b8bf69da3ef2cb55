using Chat.Storage.Mongo;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Driver;

namespace Chat.Webhooks.Storage;

/// <summary>The webhook delivery log on MongoDB (collection <c>webhook_deliveries</c>, each delivery embedding its attempts).</summary>
internal sealed class MongoWebhookDeliveryLog : IWebhookDeliveryLog
{
    private readonly IMongoCollection<WebhookDeliveryDocument> _webhookDeliveries;

    public MongoWebhookDeliveryLog(string connectionString, string database)
    {
        var (_, db) = MongoConnection.Open(connectionString, database, typeof(MongoWebhookDeliveryLog).Namespace!);
        _webhookDeliveries = db.GetCollection<WebhookDeliveryDocument>("webhook_deliveries");
        _webhookDeliveries.Indexes.CreateMany([
            new CreateIndexModel<WebhookDeliveryDocument>(Builders<WebhookDeliveryDocument>.IndexKeys.Ascending(d => d.WebhookId).Ascending(d => d.State).Ascending(d => d.NextAttemptAt)),
            new CreateIndexModel<WebhookDeliveryDocument>(Builders<WebhookDeliveryDocument>.IndexKeys.Ascending(d => d.WebhookId).Descending(d => d.CreatedAt)),
        ]);
    }

    public async Task AddWebhookDeliveriesAsync(IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        if (deliveries.Count == 0) return;
        // Insert-if-absent by id: an event seen twice makes one delivery.
        await _webhookDeliveries.BulkWriteAsync(deliveries.Select(d => new UpdateOneModel<WebhookDeliveryDocument>(
            Builders<WebhookDeliveryDocument>.Filter.Eq(x => x.Id, d.DeliveryId),
            Builders<WebhookDeliveryDocument>.Update
                .SetOnInsert(x => x.WebhookId, d.WebhookId).SetOnInsert(x => x.MessageId, d.MessageId).SetOnInsert(x => x.Body, d.Body)
                .SetOnInsert(x => x.Attempts, d.Attempts).SetOnInsert(x => x.NextAttemptAt, d.NextAttemptAt.UtcDateTime)
                .SetOnInsert(x => x.State, d.State).SetOnInsert(x => x.CreatedAt, d.CreatedAt.UtcDateTime).SetOnInsert(x => x.TraceParent, d.TraceParent))
        { IsUpsert = true }), new BulkWriteOptions { IsOrdered = false }, cancellationToken);
    }

    public async Task<IReadOnlyList<WebhookDelivery>> DueWebhookDeliveriesAsync(string webhookId, DateTimeOffset now, int limit, CancellationToken cancellationToken = default) =>
        (await _webhookDeliveries.Find(d => d.WebhookId == webhookId && d.State == WebhookDelivery.Pending && d.NextAttemptAt <= now.UtcDateTime).SortBy(d => d.NextAttemptAt).Limit(limit)
            .ToListAsync(cancellationToken)).Select(d => d.ToModel()).ToList();

    public Task RecordWebhookAttemptAsync(WebhookDelivery updated, WebhookAttempt attempt, CancellationToken cancellationToken = default) =>
        _webhookDeliveries.UpdateOneAsync(d => d.Id == updated.DeliveryId, Builders<WebhookDeliveryDocument>.Update
            .Set(d => d.Attempts, updated.Attempts).Set(d => d.NextAttemptAt, updated.NextAttemptAt.UtcDateTime).Set(d => d.State, updated.State)
            .Push(d => d.Log, new WebhookAttemptDocument
            {
                Attempt = attempt.Attempt, At = attempt.At.UtcDateTime, StatusCode = attempt.StatusCode, LatencyMs = attempt.LatencyMs, Error = attempt.Error,
            }), cancellationToken: cancellationToken);

    public async Task<IReadOnlyList<(WebhookDelivery Delivery, IReadOnlyList<WebhookAttempt> Attempts)>> WebhookDeliveriesAsync(
        string webhookId, int limit, CancellationToken cancellationToken = default) =>
        (await _webhookDeliveries.Find(d => d.WebhookId == webhookId).SortByDescending(d => d.CreatedAt).Limit(limit).ToListAsync(cancellationToken))
        .Select(d => (d.ToModel(), (IReadOnlyList<WebhookAttempt>)d.Log.Select(a =>
            new WebhookAttempt(d.Id, a.Attempt, new DateTimeOffset(a.At, TimeSpan.Zero), a.StatusCode, a.LatencyMs, a.Error)).ToList())).ToList();

    public async Task<bool> RetryWebhookDeliveryAsync(string webhookId, string deliveryId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        (await _webhookDeliveries.UpdateOneAsync(d => d.Id == deliveryId && d.WebhookId == webhookId, Builders<WebhookDeliveryDocument>.Update
            .Set(d => d.State, WebhookDelivery.Pending).Set(d => d.NextAttemptAt, now.UtcDateTime), cancellationToken: cancellationToken)).MatchedCount == 1;
}

internal sealed class WebhookDeliveryDocument
{
    [BsonId] public required string Id { get; init; }
    public required string WebhookId { get; init; }
    public required string MessageId { get; init; }
    public required string Body { get; init; }
    public int Attempts { get; init; }
    public required DateTime NextAttemptAt { get; init; }
    public required string State { get; init; }
    public required DateTime CreatedAt { get; init; }
    public string? TraceParent { get; init; }
    public List<WebhookAttemptDocument> Log { get; init; } = [];

    public WebhookDelivery ToModel() => new(Id, WebhookId, MessageId, Body, Attempts, new DateTimeOffset(NextAttemptAt, TimeSpan.Zero), State,
        new DateTimeOffset(CreatedAt, TimeSpan.Zero), TraceParent);
}

internal sealed class WebhookAttemptDocument
{
    public int Attempt { get; init; }
    public required DateTime At { get; init; }
    public int? StatusCode { get; init; }
    public double LatencyMs { get; init; }
    public string? Error { get; init; }
}
