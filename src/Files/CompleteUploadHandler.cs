using Chat.Files.Media;
using Chat.Shared;
using Chat.Shared.Events;
using Chat.Shared.Http;
using Chat.Shared.Kafka;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace Chat.Files;

/// <summary>
/// Completing the caller's upload. A single upload's bytes were checked against the SHA-256 by the
/// store as they arrived, so only their size and first bytes are read here. A multipart upload's
/// parts are joined, then read once to hash them. A size, SHA-256 or content-type mismatch removes
/// the object and the record. Bytes that are what was declared are <c>scanning</c>: streamed
/// through clamd and stripped of metadata (<see cref="UploadScreening"/>), then <c>completed</c> and
/// announced on chat.files, or <c>rejected</c> (infected) with the object deleted. When clamd cannot be
/// reached the file stays <c>scanning</c> and completing it again carries on from there.
/// </summary>
internal sealed class CompleteUploadHandler(
    IObjectStore objects, IFileRecordStore metadata, UploadScreening screening, EventProducer producer, IOptions<FilesOptions> options,
    TimeProvider clock, ILogger<CompleteUploadHandler> logger)
{
    /// <param name="parts">A multipart upload's parts as their PUTs answered; ignored for a single upload.</param>
    public async Task<Outcome<FileRecord>> CompleteAsync(Caller caller, string fileId, List<CompletedPart?>? parts, CancellationToken ct)
    {
        var file = await metadata.FindFileAsync(fileId, ct);
        if (file is null || file.Owner != caller.Subject) return new Refusal.NotFound("file_id", $"No upload '{fileId}' of yours.");
        if (file.Status == FileRecord.Completed) return file;
        if (file.Status == FileRecord.Rejected) return Infected(file);
        if (file.Status == FileRecord.Uploading)
        {
            if (await CheckUploadAsync(file, parts, ct) is { } refusal) return refusal;
            file = file with { Status = FileRecord.Scanning };
            await metadata.PutFileAsync(file, ct);
        }

        switch (await screening.ScreenAsync(file, ct))
        {
            case Screening.Unavailable unavailable:
                return new Refusal.Unavailable(unavailable.Detail, options.Value.ScanRetryAfter);
            case Screening.Infected infected:
                await objects.DeleteAsync(file.ObjectKey, ct);
                file = file with { Status = FileRecord.Rejected, Scan = FileRecord.ScanInfected, ScanSignature = infected.Signature, OriginalSha256 = file.OriginalSha256 ?? file.Sha256 };
                await metadata.PutFileAsync(file, ct);
                logger.LogWarning("Audit: file {FileId} of {Owner} ({FileName}, {Size} bytes, sha256 {Sha256}) is infected with {Signature}; object {ObjectKey} deleted",
                    file.FileId, file.Owner, file.FileName, file.Size, file.OriginalSha256, infected.Signature, file.ObjectKey);
                return Infected(file);
            case Screening.Passed passed:
                file = passed.File;
                break;
        }

        var completed = file with { Status = FileRecord.Completed, CompletedAt = clock.GetUtcNow() };
        await metadata.PutFileAsync(completed, ct);
        var fileEvent = new FileEvent
        {
            FileId = file.FileId,
            Owner = file.Owner,
            Status = FileRecord.Completed,
            At = Timestamp.FromDateTimeOffset(completed.CompletedAt!.Value),
            File = new Shared.Events.FileSummary { FileName = file.FileName, ContentType = file.ContentType, Size = file.Size, Sha256 = file.Sha256 },
        };
        await producer.ProduceAsync(Topics.Files, file.FileId, fileEvent, EventTypes.FileCompleted, file.FileId, CancellationToken.None);
        return completed;
    }

    private static Refusal.Mismatch Infected(FileRecord file) => new("Upload rejected", "file_id",
        $"The virus scanner found {file.ScanSignature} in file '{file.FileId}'; it was deleted and cannot be sent.");

    /// <summary>Joins a multipart upload, then compares what is stored with what was declared; null when they agree.</summary>
    private async Task<Refusal?> CheckUploadAsync(FileRecord file, List<CompletedPart?>? parts, CancellationToken ct)
    {
        if (file.UploadId is { } uploadId)
        {
            var (uploaded, partErrors) = CheckParts(parts);
            if (partErrors.Any) return new Refusal.Invalid(partErrors);
            try
            {
                await objects.CompleteMultipartAsync(file.ObjectKey, uploadId, uploaded, ct);
            }
            catch (ObjectStoreException e)
            {
                return new Refusal.Mismatch("Parts do not match", "parts", e.Message + " Upload every part, then list each part_number with the ETag its PUT answered.");
            }
        }

        // A single upload's SHA-256 was the store's to check on write: only a multipart object is hashed here.
        var stored = file.UploadId is null ? await objects.DescribeAsync(file.ObjectKey, ct) : await objects.InspectAsync(file.ObjectKey, ct);
        if (stored is null)
            return new Refusal.Conflict("file_id", file.UploadId is null ? "Nothing was uploaded yet: PUT the bytes to upload_url first." : "The parts were joined but no object is there; initiate again.");
        if (Mismatch(file, stored) is not { } mismatch) return null;
        await objects.DeleteAsync(file.ObjectKey, ct);
        await metadata.DeleteFileAsync(file.FileId, ct);
        logger.LogInformation("Upload {FileId} refused and removed: {Reason}", file.FileId, mismatch.Detail);
        return new Refusal.Mismatch("Upload does not match", mismatch.Field, mismatch.Detail + " The upload was removed; initiate again.");
    }

    /// <summary>The declared field the stored bytes contradict, and how; null when they are what was declared.</summary>
    private static (string Field, string Detail)? Mismatch(FileRecord file, StoredObject stored) =>
        stored.Size != file.Size ? ("size", $"{stored.Size} bytes were stored but {file.Size} were declared.")
        : stored.Sha256 is { } sha256 && sha256 != file.Sha256 ? ("sha256", $"The stored bytes have SHA-256 {sha256}, not the declared {file.Sha256}.")
        : !FileRules.ContentMatches(file.ContentType, stored.Head) ? ("content_type", $"The bytes are not {file.ContentType}: they do not begin as such a file does.")
        : null;

    private static (List<UploadedPart> Parts, ValidationErrors Errors) CheckParts(List<CompletedPart?>? parts)
    {
        var errors = new ValidationErrors();
        var result = new List<UploadedPart>();
        if (parts is not { Count: > 0 }) errors.Add("parts", "A multipart upload needs its parts: [{\"part_number\":1,\"etag\":\"…\"}, …], as each part's PUT answered.");
        for (var i = 0; i < (parts?.Count ?? 0); i++)
        {
            if (parts![i] is not { PartNumber: > 0 and <= 10_000 } part) errors.Add($"parts[{i}].part_number", "Must be 1–10000.");
            else if (string.IsNullOrWhiteSpace(part.Etag)) errors.Add($"parts[{i}].etag", "Is required: the ETag header of that part's PUT answer.");
            else result.Add(new UploadedPart(part.PartNumber!.Value, part.Etag));
        }
        return (result.OrderBy(p => p.PartNumber).ToList(), errors);
    }
}
