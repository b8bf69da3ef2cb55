using System.Text.Json.Serialization;

namespace Chat.Notifications.Storage;

/// <summary>A push target of one user, registered by one session (<c>sid</c>), which takes it along when it logs out.</summary>
/// <param name="Endpoint">Web Push: the subscription's endpoint; FCM: null.</param>
/// <param name="P256dh">Web Push: the browser's ECDH public key (base64url, uncompressed P-256 point).</param>
/// <param name="Auth">Web Push: the 16-byte authentication secret (base64url).</param>
/// <param name="Token">FCM: the registration token.</param>
public sealed record Device(
    string Username, string DeviceId, string SessionId, string Platform, string? Endpoint, string? P256dh, string? Auth, string? Token, DateTimeOffset CreatedAt)
{
    public const string WebPush = "webpush";
    public const string Fcm = "fcm";
}

/// <summary>A muted conversation; <paramref name="Until"/> null: for ever.</summary>
public sealed record Mute(string Username, string ConversationId, DateTimeOffset? Until)
{
    public bool Active(DateTimeOffset now) => Until is null || Until > now;
}

/// <summary>
/// The burst window of one user's conversation: opened by a push that went out at once; messages
/// within it are <paramref name="Suppressed"/> into one summary at <paramref name="EndsAt"/>.
/// </summary>
public sealed record CollapseWindow(string Username, string ConversationId, DateTimeOffset EndsAt, int Suppressed, string? LastMessageId, string? LastFrom);

/// <summary>One push to one device, stored before the request's offset commits, sent (and retried) by the dispatcher.</summary>
/// <param name="Body">The JSON to encrypt and send (docs/api.md, "Notifications").</param>
public sealed record PendingPush(
    string PushId, string Username, string DeviceId, string Body, int Attempts, string State, DateTimeOffset NextAttemptAt, DateTimeOffset CreatedAt, string? TraceParent)
{
    public const string Pending = "pending";
    public const string Sent = "sent";

    /// <summary>Its retries ran out: kept for the operator (the dead letter), sent no more.</summary>
    public const string Dead = "dead";
}

/// <summary>What a push says (encrypted for Web Push, as data for FCM).</summary>
/// <param name="Count">A summary: how many messages came since the push before it.</param>
public sealed record PushBody(string ConversationId, string MessageId, string From, string? Preview = null, int? Count = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PushBody))]
internal sealed partial class NotificationStorageJson : JsonSerializerContext;
