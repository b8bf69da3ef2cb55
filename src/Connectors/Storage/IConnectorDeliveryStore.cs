namespace Chat.Connectors;

/// <summary>
/// The connector workers' own data: deliveries waiting for their next attempt, and deliveries that
/// failed every attempt (SQLite embedded, MongoDB distributed).
/// </summary>
public interface IConnectorDeliveryStore
{
    /// <summary>Keeps a connector delivery for its next attempt; one entry per delivery id (a newer schedule replaces it).</summary>
    Task ScheduleDeliveryAsync(ScheduledDelivery delivery, CancellationToken cancellationToken = default);

    /// <summary>Entries due at <paramref name="now"/>, soonest first.</summary>
    Task<IReadOnlyList<ScheduledDelivery>> DueDeliveriesAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>Removes the entry as it was read (same due time), not a newer schedule of the same delivery.</summary>
    Task RemoveScheduledDeliveryAsync(string id, DateTimeOffset dueAt, CancellationToken cancellationToken = default);

    /// <summary>Keeps a delivery that failed every attempt; the same id again replaces it.</summary>
    Task AddDeadDeliveryAsync(DeadDelivery dead, CancellationToken cancellationToken = default);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<DeadDelivery>> DeadDeliveriesAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>Removes and returns a dead delivery (to replay it); null if there is none with that id.</summary>
    Task<DeadDelivery?> TakeDeadDeliveryAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Remembers the id a platform gave a message it accepted for a recipient, to edit or delete it there later (issue 17).</summary>
    Task RecordPlatformMessageAsync(PlatformMessage sent, CancellationToken cancellationToken = default);

    /// <summary>The platform's id of what went to <paramref name="recipient"/> on <paramref name="channel"/> for the message, or null.</summary>
    Task<string?> FindPlatformMessageAsync(string messageId, string recipient, string channel, CancellationToken cancellationToken = default);
}

/// <summary>A message a platform accepted for one recipient, under its own id.</summary>
public sealed record PlatformMessage(string MessageId, string Recipient, string Channel, string PlatformMessageId, DateTimeOffset SentAt);

/// <summary>A connector delivery waiting for its next attempt (durable, so a restart loses none).</summary>
public sealed record ScheduledDelivery(string Id, byte[] Delivery, DateTimeOffset DueAt);

/// <summary>A connector delivery that failed every attempt, kept for an operator to look at and replay.</summary>
public sealed record DeadDelivery(string Id, string MessageId, string Channel, string Recipient, byte[] Delivery, string Reason, DateTimeOffset FailedAt);
