using System.Text.Json.Serialization;

namespace Chat.Webhooks;

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

/// <summary>How registrations are stored (as JSON, snake_case: the layout the first release wrote).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(WebhookRegistration))]
internal sealed partial class WebhookStorageJson : JsonSerializerContext;
