using System.Text.Json.Serialization;

namespace Chat.Files;

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

/// <summary>How file records are stored as JSON (snake_case: the layout the first release wrote).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(FileRecord))]
internal sealed partial class FileStorageJson : JsonSerializerContext;
