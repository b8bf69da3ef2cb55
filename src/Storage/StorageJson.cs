using System.Text.Json.Serialization;

namespace Chat.Storage;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(FileSummary))]
[JsonSerializable(typeof(SystemEvent))]
[JsonSerializable(typeof(IReadOnlyList<Ciphertext>))]
[JsonSerializable(typeof(IReadOnlyCollection<string>))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
