using System.Text.Json.Serialization;

namespace Chat.Files;

/// <summary>
/// An uploaded (or uploading) file. <see cref="Status"/> moves <c>uploading → scanning</c> once the
/// stored bytes matched the declared size and SHA-256, then <c>completed</c> (scanned, metadata
/// stripped) or <c>rejected</c> (infected: the object is gone). <see cref="Size"/> and
/// <see cref="Sha256"/> are what is served; <see cref="OriginalSha256"/> what was uploaded (null in
/// records from before stripping: the same). <see cref="SharedIn"/> lists the conversations a file
/// message carried it to (their members may read it).
/// </summary>
public sealed record FileRecord(
    string FileId, string Owner, string FileName, string ContentType, long Size, string Sha256, string ObjectKey, string Status,
    string? UploadId, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, IReadOnlyList<string> SharedIn,
    string? OriginalSha256 = null, string? Scan = null, string? ScanSignature = null)
{
    public const string Uploading = "uploading";
    public const string Scanning = "scanning";
    public const string Completed = "completed";
    public const string Rejected = "rejected";

    /// <summary>Values of <see cref="Scan"/>: clamd found nothing; no clamd was configured (or reachable, with <c>Files:ScanRequired=false</c>); clamd found <see cref="ScanSignature"/>.</summary>
    public const string ScanClean = "clean", ScanSkipped = "skipped", ScanInfected = "infected";
}

/// <summary>How file records are stored as JSON (snake_case: the layout the first release wrote).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(FileRecord))]
internal sealed partial class FileStorageJson : JsonSerializerContext;
