using Chat.Shared;
using Chat.Shared.Events;
using Chat.Shared.Kafka;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;

namespace Chat.Connectors;

/// <summary>
/// Edits and deletes of messages sent to a platform before (issue 17): applied there under the id the platform
/// gave the message (Telegram: editMessageText, deleteMessage). The outcome is a note in the recipient's status
/// history, never a status change. A platform that cannot (it refuses, or never had the message) is noted once and
/// not asked again; one failing for a while is retried on the delivery schedule, up to its last attempt.
/// </summary>
internal sealed class PlatformChanges(IEnumerable<IConnector> connectors, ConnectorPipelines pipelines, IConnectorDeliveryStore store, EventProducer producer,
    IOptions<ConnectorsOptions> options, TimeProvider clock, ILogger<PlatformChanges> logger)
{
    private readonly IReadOnlyDictionary<string, IConnector> _connectors = connectors.ToDictionary(c => c.Channel);

    public async Task ApplyAsync(ConnectorDelivery delivery, CancellationToken ct)
    {
        var what = delivery.Action == ConnectorActions.Edit ? "edit" : "delete";
        if (!_connectors.TryGetValue(delivery.Channel, out var connector))
        {
            await NoteAsync(delivery, $"{delivery.Channel}: the {what} was not applied: no {delivery.Channel} connector is configured in this deployment.", ct);
            return;
        }
        var platformId = await store.FindPlatformMessageAsync(delivery.MessageId, delivery.Recipient, delivery.Channel, ct);
        var result = platformId is null
            ? SendResult.Failed($"{delivery.Channel} has not accepted this message for '{delivery.Recipient}' (yet)")
            : await AttemptAsync(connector, delivery, platformId, ct);
        if (result.Delivered)
            await NoteAsync(delivery, $"{delivery.Channel}: {(what == "edit" ? "edited" : "deleted")} there ({delivery.Channel} message id {platformId}).", ct);
        else if (result.Permanent || delivery.Attempt >= options.Value.MaxAttempts)
        {
            logger.LogWarning("{Delivery}: {What} not applied on {Channel}: {Error}", delivery.DeliveryId, what, delivery.Channel, result.Error);
            await NoteAsync(delivery, $"{delivery.Channel}: the {what} was not applied: {result.Error} (attempt {delivery.Attempt} of {options.Value.MaxAttempts}).", ct);
        }
        else
        {
            var delays = options.Value.Delays();
            var wait = result.RetryAfter ?? delays[Math.Min(delivery.Attempt, delays.Count) - 1];
            var next = delivery.Clone();
            next.Attempt++;
            await store.ScheduleDeliveryAsync(new ScheduledDelivery(delivery.DeliveryId, next.ToByteArray(), clock.GetUtcNow() + wait), ct);
        }
    }

    private async Task<SendResult> AttemptAsync(IConnector connector, ConnectorDelivery delivery, string platformId, CancellationToken ct)
    {
        try
        {
            return await pipelines.For(delivery.Channel).ExecuteAsync(async token => delivery.Action == ConnectorActions.Edit
                ? await connector.EditTextAsync(delivery.ExternalId, platformId, delivery.Payload?.Text ?? "", token)
                : await connector.DeleteAsync(delivery.ExternalId, platformId, token), ct);
        }
        catch (BrokenCircuitException e)
        {
            return SendResult.Failed($"{delivery.Channel} breaker is open: the platform has been failing", retryAfter: e.RetryAfter);
        }
        catch (TimeoutRejectedException)
        {
            return SendResult.Failed($"{delivery.Channel} did not answer within {options.Value.SendTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return SendResult.Failed($"{delivery.Channel}: {e.Message}");
        }
    }

    /// <summary>Into the recipient's status history, through the Router's receipts (a note moves no status).</summary>
    private Task NoteAsync(ConnectorDelivery delivery, string detail, CancellationToken ct) =>
        producer.PublishReceiptAsync(new StatusEvent
        {
            EventId = $"{delivery.DeliveryId}/note", MessageId = delivery.MessageId, ConversationId = delivery.ConversationId,
            SequenceNumber = delivery.SequenceNumber, From = delivery.From, Recipient = delivery.Recipient, Channel = delivery.Channel,
            Status = ConnectorActions.NoteReceipt, Detail = detail, At = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
        }, ct);
}
