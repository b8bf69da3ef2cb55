using System.Text.Json.Serialization;

namespace Chat.LoadTest;

public sealed record TextPayload(string Type, string Text);

public sealed record MessageBody(string MessageId, string ConversationId, string From, TextPayload Payload);

public sealed record BatchBody(IReadOnlyList<MessageBody> Messages);

public sealed record BatchItem(string? MessageId, string Status);

public sealed record BatchAnswer(IReadOnlyList<BatchItem> Items);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(MessageBody))]
[JsonSerializable(typeof(BatchBody))]
[JsonSerializable(typeof(BatchAnswer))]
internal sealed partial class LoadJson : JsonSerializerContext;
