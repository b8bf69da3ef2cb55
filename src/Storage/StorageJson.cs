using System.Text.Json.Serialization;

namespace Chat.Storage;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(User))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
