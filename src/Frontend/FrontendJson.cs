using System.Text.Json.Serialization;
using Chat.Storage;

namespace Chat.Frontend;

public sealed record CreateConversationRequest(string? Type, List<string?>? Members, string? Title);

public sealed record ConversationResponse(string ConversationId, string Type, IReadOnlyList<string> Members, string? Title, DateTimeOffset CreatedAt)
{
    public static ConversationResponse Of(Conversation c) => new(c.ConversationId, c.Type, c.Members, c.Title, c.CreatedAt);
}

public sealed record ConversationPage(IReadOnlyList<ConversationResponse> Items, string? NextCursor);

public sealed record PayloadBody(string? Type, string? Text, string? FileId);

public sealed record SendMessageRequest(
    string? MessageId, string? ConversationId, string? From, List<string?>? To, List<string?>? Channels, PayloadBody? Payload);

public sealed record SendMessageResponse(string MessageId, string Status);

public sealed record MessagePage(IReadOnlyList<PublicMessage> Items, long NextAfterSeq);

public sealed record RecipientStatusResponse(string Username, string Channel, string Status, DateTimeOffset UpdatedAt);

public sealed record StatusHistoryEntry(string Status, DateTimeOffset At, string? Recipient, string? Channel, string? Detail);

public sealed record MessageStatusResponse(
    string MessageId, string ConversationId, long? SequenceNumber, string Status,
    IReadOnlyList<RecipientStatusResponse> Recipients, IReadOnlyList<StatusHistoryEntry> StatusHistory);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateConversationRequest))]
[JsonSerializable(typeof(ConversationResponse))]
[JsonSerializable(typeof(ConversationPage))]
[JsonSerializable(typeof(SendMessageRequest))]
[JsonSerializable(typeof(SendMessageResponse))]
[JsonSerializable(typeof(MessagePage))]
[JsonSerializable(typeof(MessageStatusResponse))]
internal sealed partial class FrontendJsonContext : JsonSerializerContext;
