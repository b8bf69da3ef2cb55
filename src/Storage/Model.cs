namespace Chat.Storage;

public sealed record User(string Username, string DisplayName, string PasswordHash, DateTimeOffset CreatedAt);

public sealed record Conversation(
    string ConversationId, string Type, IReadOnlyList<string> Members, string? Title, string CreatedBy, DateTimeOffset CreatedAt)
{
    public const string Direct = "direct";
    public const string Group = "group";

    public bool HasMember(string username) => Members.Contains(username, StringComparer.Ordinal);
}

/// <param name="File">For a file message: what the file is, as it was when the message was sent.</param>
public sealed record MessagePayload(string Type, string? Text, string? FileId, FileSummary? File = null);

public sealed record FileSummary(string FileName, string ContentType, long Size, string Sha256);

/// <summary>A message as the Frontend accepted it, before it has a sequence number.</summary>
public sealed record NewMessage(
    string MessageId, string ConversationId, string From, IReadOnlyList<string> To, IReadOnlyList<string> Channels,
    MessagePayload Payload, DateTimeOffset AcceptedAt);

public sealed record StoredMessage(
    string MessageId, string ConversationId, long SequenceNumber, string From, IReadOnlyList<string> To,
    IReadOnlyList<string> Channels, MessagePayload Payload, DateTimeOffset AcceptedAt, DateTimeOffset SentAt);

/// <summary>What the Router decided for one recipient on one channel when it stored the message.</summary>
public sealed record Delivery(string Recipient, string Channel, string Status, string? Detail = null);

public sealed record MessageToStore(NewMessage Message, IReadOnlyList<Delivery> Deliveries);

public enum StoreOutcome { Stored, Duplicate, UnknownConversation }

/// <param name="StoredAt">When it was stored (for a duplicate: when the first copy was; for a refusal: default).</param>
/// <param name="Changes">The unpublished status changes storing it made (none for a duplicate or a refusal).</param>
public sealed record StoreResult(NewMessage Message, StoreOutcome Outcome, long SequenceNumber, DateTimeOffset StoredAt = default,
    IReadOnlyList<StatusChange>? Changes = null)
{
    public StoredMessage ToStored() => new(Message.MessageId, Message.ConversationId, SequenceNumber, Message.From, Message.To,
        Message.Channels, Message.Payload, Message.AcceptedAt, StoredAt);
}

/// <summary>One transition, as appended to a message's history and published on chat.status.</summary>
public sealed record StatusChange(
    long Id, string MessageId, string ConversationId, long SequenceNumber, string From, string Status,
    DateTimeOffset At, string? Recipient, string? Channel, string? Detail);

public sealed record RecipientStatus(string Username, string Channel, string Status, DateTimeOffset UpdatedAt);

public sealed record MessageStatusView(
    StoredMessage Message, string Status, IReadOnlyList<RecipientStatus> Recipients, IReadOnlyList<StatusChange> History);

/// <summary>
/// A recipient's word that a message arrived (<c>delivered</c>) or was read (<c>read</c>): for one
/// message, or, with <see cref="UpToSequence"/>, for every message of the conversation up to it.
/// </summary>
public sealed record Receipt(
    string Status, string Username, string Channel, string ConversationId, string? MessageId, long? UpToSequence, DateTimeOffset At, string? Detail = null);

/// <summary>A connector delivery waiting for its next attempt (durable, so a restart loses none).</summary>
public sealed record ScheduledDelivery(string Id, byte[] Delivery, DateTimeOffset DueAt);

/// <summary>A connector delivery that failed every attempt, kept for an operator to look at and replay.</summary>
public sealed record DeadDelivery(string Id, string MessageId, string Channel, string Recipient, byte[] Delivery, string Reason, DateTimeOffset FailedAt);

/// <summary>A refresh token, stored by the SHA-256 of its value. Tokens of one login share a family; rotation uses one up and adds the next.</summary>
public sealed record RefreshToken(string TokenHash, string FamilyId, string Subject, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, bool Used);

/// <summary>
/// A third-party system (integrator) with its own credentials. It may do what <see cref="Scopes"/>
/// allow, on behalf of the users in <see cref="ActAs"/> ("*": any user).
/// </summary>
public sealed record IntegratorClient(string ClientId, string Name, string SecretHash, IReadOnlyList<string> Scopes, IReadOnlyList<string> ActAs, DateTimeOffset CreatedAt);

/// <summary>Who a user is on an external platform (their Telegram chat id, WhatsApp number, …).</summary>
public sealed record ChannelMapping(string Username, string Channel, string ExternalId, DateTimeOffset UpdatedAt);

/// <summary>An integrator's endpoint for status events. <see cref="ActAs"/>: whose messages' events it gets (the owner's, or a client's users).</summary>
public sealed record WebhookRegistration(
    string WebhookId, string Owner, IReadOnlyList<string> ActAs, string Url, IReadOnlyList<string> Events, string? Description, string Secret,
    bool Disabled, DateTimeOffset CreatedAt);

/// <summary>One event for one endpoint: the same <see cref="MessageId"/> (the webhook-id header) on every attempt.</summary>
/// <param name="TraceParent">The W3C traceparent of the span that made the delivery, so each attempt continues the event's trace.</param>
public sealed record WebhookDelivery(
    string DeliveryId, string WebhookId, string MessageId, string Body, int Attempts, DateTimeOffset NextAttemptAt, string State, DateTimeOffset CreatedAt,
    string? TraceParent = null)
{
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

public sealed record WebhookAttempt(string DeliveryId, int Attempt, DateTimeOffset At, int? StatusCode, double LatencyMs, string? Error);

/// <summary>
/// An uploaded (or uploading) file. <see cref="Status"/> moves <c>uploading → completed</c> once the
/// stored bytes matched the declared size and SHA-256; <see cref="SharedIn"/> lists the
/// conversations a file message carried it to (their members may read it).
/// </summary>
public sealed record FileRecord(
    string FileId, string Owner, string FileName, string ContentType, long Size, string Sha256, string ObjectKey, string Status,
    string? UploadId, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, IReadOnlyList<string> SharedIn)
{
    public const string Uploading = "uploading";
    public const string Completed = "completed";
}
