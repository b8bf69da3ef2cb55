using System.Text.Json.Serialization;

namespace Chat.Storage;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(User))]
[JsonSerializable(typeof(RefreshToken))]
[JsonSerializable(typeof(IntegratorClient))]
[JsonSerializable(typeof(ChannelMapping))]
[JsonSerializable(typeof(WebhookRegistration))]
[JsonSerializable(typeof(FileRecord))]
[JsonSerializable(typeof(FileSummary))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
