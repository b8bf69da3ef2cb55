using System.Text.Json.Serialization;

namespace Chat.Files;

/// <summary>
/// An uploaded (or uploading) file. <see cref="Status"/> moves <c>uploading → scanning</c> once the
/// stored bytes matched the declared size and SHA-256, then <c>completed</c> (scanned, metadata
/// stripped) or <c>rejected</c> (infected: the object is gone). <see cref="Size"/> and
/// <see cref="Sha256"/> are what is served; <see cref="OriginalSha256"/> what was uploaded (null in
/// records from before stripping: the same). <see cref="SharedIn"/> lists the conversations a file
/// message carried it to (their members may read it). A completed image gets its
/// <see cref="Thumbnail"/> later from the media worker: <c>ready</c> (the object at
/// <see cref="ThumbnailKey"/>, with the image's and the thumbnail's sizes) or <c>failed</c> (it could not
/// be decoded; never tried again). Null: not an image, or not made yet.
/// </summary>
public sealed record FileRecord(
    string FileId, string Owner, string FileName, string ContentType, long Size, string Sha256, string ObjectKey, string Status,
    string? UploadId, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, IReadOnlyList<string> SharedIn,
    string? OriginalSha256 = null, string? Scan = null, string? ScanSignature = null,
    string? Thumbnail = null, string? ThumbnailKey = null, int? Width = null, int? Height = null, int? ThumbnailWidth = null, int? ThumbnailHeight = null)
{
    public const string Uploading = "uploading";
    public const string Scanning = "scanning";
    public const string Completed = "completed";
    public const string Rejected = "rejected";

    /// <summary>Values of <see cref="Scan"/>: clamd found nothing; no clamd was configured (or reachable, with <c>Files:ScanRequired=false</c>); clamd found <see cref="ScanSignature"/>.</summary>
    public const string ScanClean = "clean", ScanSkipped = "skipped", ScanInfected = "infected";

    /// <summary>Values of <see cref="Thumbnail"/>.</summary>
    public const string ThumbnailReady = "ready", ThumbnailFailed = "failed";
}

/// <summary>How file records are stored as JSON (snake_case: the layout the first release wrote).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(FileRecord))]
internal sealed partial class FileStorageJson : JsonSerializerContext;

public static class Thumbnails
{
    /// <summary>Where a file's thumbnail is stored: beside the file, in the same store.</summary>
    public static string KeyFor(FileRecord file) => file.ObjectKey + ".thumb.jpg";

    /// <summary>A URL for the thumbnail until <paramref name="expiresAt"/> (as the download's), or null while there is none.</summary>
    public static async Task<Uri?> PresignThumbnailAsync(this FileRecord file, IObjectStore objects, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        file is { Status: FileRecord.Completed, Thumbnail: FileRecord.ThumbnailReady, ThumbnailKey: { } key }
            ? await objects.PresignGetAsync(key, Path.GetFileNameWithoutExtension(file.FileName) + ".thumb.jpg", expiresAt, cancellationToken)
            : null;
}
