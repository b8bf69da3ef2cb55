using Chat.Shared;
using Chat.Shared.Events;
using Chat.Shared.Kafka;

namespace Chat.Connectors;

/// <summary>The connector deliveries that failed every attempt, and sending one again from its first attempt.</summary>
internal sealed class DeadDeliveriesHandler(IConnectorDeliveryStore store, EventProducer producer)
{
    /// <summary>The newest 500.</summary>
    public Task<IReadOnlyList<DeadDelivery>> ListAsync(CancellationToken ct) => store.DeadDeliveriesAsync(500, ct);

    /// <summary>Takes the delivery off the dead list and hands it to the delivery workers again, as attempt 1.</summary>
    /// <param name="id">As the path gave it: a delivery id holds '/', so it arrives escaped.</param>
    public async Task<Outcome<ConnectorDelivery>> ReplayAsync(string id, CancellationToken ct)
    {
        var dead = await store.TakeDeadDeliveryAsync(Uri.UnescapeDataString(id), ct);
        if (dead is null) return new Refusal.NotFound("id", $"No dead delivery '{id}'.");
        var delivery = ConnectorDelivery.Parser.ParseFrom(dead.Delivery);
        delivery.Attempt = 1;
        await producer.ProduceAsync(Topics.Deliveries, delivery.ConversationId, delivery, EventTypes.Delivery, $"{delivery.DeliveryId}/replay/{Guid.NewGuid():N}", ct);
        return delivery;
    }
}
