using System.Text.Json.Serialization;

namespace Chat.LoadTest;

public sealed record TextPayload(string Type, string Text);

public sealed record MessageBody(string MessageId, string ConversationId, string From, TextPayload Payload);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(MessageBody))]
internal sealed partial class LoadJson : JsonSerializerContext;
