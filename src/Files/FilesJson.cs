using System.Text.Json.Serialization;
using Chat.Storage;

namespace Chat.Files;

public sealed record InitiateUploadRequest(string? Filename, string? ContentType, long? Size, string? Sha256);

public sealed record PartUrl(int PartNumber, Uri Url);

/// <summary>Either <see cref="UploadUrl"/> (one PUT of the whole file, with the <see cref="Headers"/>) or <see cref="Parts"/> (one PUT per <see cref="PartSize"/> bytes).</summary>
public sealed record InitiateUploadResponse(
    string FileId, string Status, DateTimeOffset ExpiresAt, Uri? UploadUrl = null, IReadOnlyDictionary<string, string>? Headers = null,
    string? UploadId = null, long? PartSize = null, IReadOnlyList<PartUrl>? Parts = null);

public sealed record CompletedPart(int? PartNumber, string? Etag);

public sealed record CompleteUploadRequest(string? FileId, List<CompletedPart?>? Parts);

/// <param name="Sha256">Of the bytes served (metadata stripped); <paramref name="OriginalSha256"/> of those uploaded.</param>
/// <param name="Thumbnail"><c>ready</c> (then <paramref name="ThumbnailUrl"/>, valid as long as the download URL) or <c>failed</c>; absent until the media worker made it, and for other files.</param>
public sealed record FileResponse(
    string FileId, string Filename, string ContentType, long Size, string Sha256, string Status, string Owner, DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt, Uri? DownloadUrl = null, DateTimeOffset? DownloadExpiresAt = null, string? OriginalSha256 = null, string? Scan = null,
    int? Width = null, int? Height = null, string? Thumbnail = null, Uri? ThumbnailUrl = null, int? ThumbnailWidth = null, int? ThumbnailHeight = null)
{
    public static FileResponse Of(FileRecord f) => new(f.FileId, f.FileName, f.ContentType, f.Size, f.Sha256, f.Status, f.Owner, f.CreatedAt, f.CompletedAt,
        OriginalSha256: f.OriginalSha256 ?? f.Sha256, Scan: f.Scan, Width: f.Width, Height: f.Height, Thumbnail: f.Thumbnail,
        ThumbnailWidth: f.ThumbnailWidth, ThumbnailHeight: f.ThumbnailHeight);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InitiateUploadRequest))]
[JsonSerializable(typeof(InitiateUploadResponse))]
[JsonSerializable(typeof(CompleteUploadRequest))]
[JsonSerializable(typeof(FileResponse))]
internal sealed partial class FilesJsonContext : JsonSerializerContext;
