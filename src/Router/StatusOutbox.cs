using System.Diagnostics;
using System.Diagnostics.Metrics;
using Chat.Shared;
using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Chat.Storage;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace Chat.Router;

/// <summary>
/// Publishes stored status changes on chat.status (and hands external-channel messages to the
/// connectors, <see cref="DeliveryHandoff"/>) and only then marks them published, so a
/// change is never lost between the store and the log (transactional outbox). A crash in
/// between publishes it again: consumers dedupe by <see cref="StatusEvent.EventId"/>.
/// </summary>
internal sealed class StatusOutbox(IMessageStore store, EventProducer producer, DeliveryHandoff handoff, IMeterFactory meters)
{
    private readonly Counter<long> _published = meters.CreateChatMeter().CreateCounter<long>("chat.status.published",
        description: "Status transitions published, by status (sent, delivered, read, failed) and channel");

    /// <summary>Publishes changes the caller just stored, then marks them published.</summary>
    /// <param name="traceOf">The span each change's events continue: the consumed record it came from (default: the current span).</param>
    public async Task PublishAsync(IReadOnlyList<StatusChange> changes, Func<StatusChange, ActivityContext> traceOf, CancellationToken cancellationToken)
    {
        if (changes.Count == 0) return;
        var deliveries = await handoff.DeliveriesForAsync(changes, cancellationToken);
        await Task.WhenAll(changes.Select(c =>
        {
            var @event = ToEvent(c);
            return producer.ProduceAsync(Topics.Status, c.ConversationId, @event, EventTypes.MessageStatus, @event.EventId, cancellationToken, traceOf(c));
        }).Concat(deliveries.Select(d => producer.ProduceAsync(Topics.Deliveries, d.Change.ConversationId, d.Delivery, EventTypes.Delivery,
            d.EventId, cancellationToken, traceOf(d.Change)))));
        await store.MarkPublishedAsync(changes.Select(c => c.Id).ToList(), cancellationToken);
        foreach (var group in changes.GroupBy(c => (c.Status, c.Channel)))
            _published.Add(group.Count(), new KeyValuePair<string, object?>("status", group.Key.Status), new KeyValuePair<string, object?>("channel", group.Key.Channel ?? "none"));
    }

    /// <summary>Publishes whatever is still unpublished from before <paramref name="recordedBefore"/> (a crash's leftovers); returns it.</summary>
    public async Task<IReadOnlyList<StatusChange>> SweepAsync(DateTimeOffset recordedBefore, CancellationToken cancellationToken)
    {
        var swept = new List<StatusChange>();
        while (await store.UnpublishedStatusChangesAsync(recordedBefore, 1000, cancellationToken) is { Count: > 0 } changes)
        {
            await PublishAsync(changes, _ => default, cancellationToken);
            swept.AddRange(changes);
        }
        return swept;
    }

    private static StatusEvent ToEvent(StatusChange c) => new()
    {
        // Stable across re-publication: one transition, one id. A refused message's ids name its own
        // conversation and sender, so they never collide with the stored message's.
        EventId = c.Refused
            ? $"{c.MessageId}/refused/{c.ConversationId}/{c.From}/{c.Recipient}/{c.Channel}"
            : $"{c.MessageId}/{c.Recipient}/{c.Channel}/{c.Status}",
        MessageId = c.MessageId,
        ConversationId = c.ConversationId,
        SequenceNumber = c.SequenceNumber,
        From = c.From,
        Recipient = c.Recipient ?? "",
        Channel = c.Channel ?? "",
        Status = c.Status,
        Detail = c.Detail ?? "",
        At = Timestamp.FromDateTimeOffset(c.At),
    };
}

/// <summary>Publishes what a crashed batch stored but did not publish.</summary>
internal sealed class OutboxRelay(StatusOutbox outbox, LiveDelivery live, IOptions<RouterOptions> options, TimeProvider clock, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.OutboxSweepInterval, clock);
        do
        {
            try
            {
                // Changes younger than a sweep belong to a batch still publishing them.
                var published = await outbox.SweepAsync(clock.GetUtcNow() - options.Value.OutboxSweepInterval, stoppingToken);
                if (published.Count == 0) continue;
                logger.LogWarning("Published {Count} status changes left unpublished by an interrupted batch", published.Count);
                await live.StatusChangesAsync(published, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Outbox sweep failed; trying again in {Interval}", options.Value.OutboxSweepInterval);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
