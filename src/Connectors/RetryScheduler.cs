using Chat.Shared.Events;
using Chat.Shared.Kafka;

namespace Chat.Connectors;

/// <summary>Puts deliveries whose retry time has come back on chat.deliveries, then forgets them (so a crash between repeats, never loses).</summary>
internal sealed class RetryScheduler(IConnectorDeliveryStore store, EventProducer producer, TimeProvider clock, ILogger<RetryScheduler> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var due in await store.DueDeliveriesAsync(clock.GetUtcNow(), 500, stoppingToken))
                {
                    var delivery = ConnectorDelivery.Parser.ParseFrom(due.Delivery);
                    await producer.ProduceAsync(Topics.Deliveries, delivery.ConversationId, delivery, EventTypes.Delivery,
                        $"{delivery.DeliveryId}/{delivery.Attempt}", stoppingToken);
                    await store.RemoveScheduledDeliveryAsync(due.Id, due.DueAt, stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Could not hand due retries back to the connectors; trying again");
            }
        }
    }
}
