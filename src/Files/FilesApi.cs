using Chat.Shared;
using Chat.Shared.Events;
using Chat.Shared.Http;
using Chat.Shared.Kafka;
using Chat.Storage;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Chat.Files;

/// <summary>API.md, "Files". The bytes go straight between the client and the object store; this API only signs and checks.</summary>
public static class FilesApi
{
    public static IEndpointRouteBuilder MapFilesApi(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup("/v1/files").WithTags("Files");
        files.MapPost("/initiate", Initiate).DescribeBody<InitiateUploadRequest>(
            """{"filename":"photo.png","content_type":"image/png","size":48213,"sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}""");
        files.MapPost("/complete", Complete).DescribeBody<CompleteUploadRequest>(
            """{"file_id":"0196f1c2-7b1a-7c3e-9a55-2f4f1d0e8a11","parts":[{"part_number":1,"etag":"\"5d41402abc4b2a76b9719d911017c592\""}]}""");
        files.MapGet("/{fileId}", Get);
        return app;
    }

    private static async Task<Results<Created<InitiateUploadResponse>, ProblemHttpResult>> Initiate(
        HttpContext http, IObjectStore objects, IFileRecordStore metadata, IOptions<FilesOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, FilesJsonContext.Default.InitiateUploadRequest);
        if (problem is not null) return problem;
        var limits = options.Value;
        var errors = FileRules.Check(body!, limits, out var fileName, out var contentType);
        if (errors.Any) return errors.ToProblem();
        var caller = http.User.Caller();
        if (!caller.Has(Scopes.MessagesSend)) return Problems.Forbidden($"This client's token lacks the {Scopes.MessagesSend} scope.", "scope");

        var fileId = Ids.New();
        var sha256 = body!.Sha256!.ToLowerInvariant();
        var key = "files/" + fileId;
        var size = body.Size!.Value;
        var now = clock.GetUtcNow();
        var expiresAt = now + limits.UploadUrlLifetime;
        InitiateUploadResponse answer;
        string? uploadId = null;
        if (size > limits.MultipartThreshold)
        {
            uploadId = await objects.StartMultipartAsync(key, contentType, ct);
            var count = (int)((size + limits.PartSize - 1) / limits.PartSize);
            var parts = new List<PartUrl>(count);
            for (var part = 1; part <= count; part++) parts.Add(new PartUrl(part, await objects.PresignPartAsync(key, uploadId, part, expiresAt, ct)));
            answer = new InitiateUploadResponse(fileId, FileRecord.Uploading, expiresAt, UploadId: uploadId, PartSize: limits.PartSize, Parts: parts);
        }
        else
        {
            // The PUT must send exactly these headers: they are part of the signature (the content type, and with S3 the SHA-256 it enforces).
            var upload = await objects.PresignPutAsync(key, contentType, sha256, expiresAt, ct);
            answer = new InitiateUploadResponse(fileId, FileRecord.Uploading, expiresAt, upload.Url, upload.Headers);
        }
        await metadata.PutFileAsync(new FileRecord(fileId, caller.Subject, fileName, contentType, size, sha256, key,
            FileRecord.Uploading, uploadId, now, null, []), ct);
        return TypedResults.Created($"/v1/files/{fileId}", answer);
    }

    /// <summary>
    /// A single upload's bytes were checked against the SHA-256 by the store as they arrived, so only
    /// their size and first bytes are read here. A multipart upload's parts are joined, then read
    /// once to hash them. A size, SHA-256 or content-type mismatch removes the object (422).
    /// </summary>
    private static async Task<Results<Ok<FileResponse>, ProblemHttpResult>> Complete(
        HttpContext http, IObjectStore objects, IFileRecordStore metadata, EventProducer producer, TimeProvider clock, ILogger<FileRecord> logger, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, FilesJsonContext.Default.CompleteUploadRequest);
        if (problem is not null) return problem;
        if (string.IsNullOrWhiteSpace(body!.FileId)) return Problems.Invalid("file_id", "Is required.");
        var caller = http.User.Caller();
        var file = await metadata.FindFileAsync(body.FileId, ct);
        if (file is null || file.Owner != caller.Subject) return Problems.NotFound($"No upload '{body.FileId}' of yours.", "file_id");
        if (file.Status == FileRecord.Completed) return TypedResults.Ok(ToResponse(file));

        if (file.UploadId is { } uploadId)
        {
            var (parts, partErrors) = CheckParts(body.Parts);
            if (partErrors.Any) return partErrors.ToProblem();
            try
            {
                await objects.CompleteMultipartAsync(file.ObjectKey, uploadId, parts, ct);
            }
            catch (ObjectStoreException e)
            {
                return Problems.Status(StatusCodes.Status422UnprocessableEntity, "Parts do not match", e.Message + " Upload every part, then list each part_number with the ETag its PUT answered.", "parts");
            }
        }

        // A single upload's SHA-256 was the store's to check on write: only a multipart object is hashed here.
        var stored = file.UploadId is null ? await objects.DescribeAsync(file.ObjectKey, ct) : await objects.InspectAsync(file.ObjectKey, ct);
        if (stored is null)
            return Problems.Conflict(file.UploadId is null ? "Nothing was uploaded yet: PUT the bytes to upload_url first." : "The parts were joined but no object is there; initiate again.", "file_id");
        if (Mismatch(file, stored) is { } mismatch)
        {
            await objects.DeleteAsync(file.ObjectKey, ct);
            await metadata.DeleteFileAsync(file.FileId, ct);
            logger.LogInformation("Upload {FileId} refused and removed: {Reason}", file.FileId, mismatch.Detail);
            return Problems.Status(StatusCodes.Status422UnprocessableEntity, "Upload does not match", mismatch.Detail + " The upload was removed; initiate again.", mismatch.Field);
        }

        var completed = file with { Status = FileRecord.Completed, CompletedAt = clock.GetUtcNow() };
        await metadata.PutFileAsync(completed, ct);
        var fileEvent = new FileEvent
        {
            FileId = file.FileId, Owner = file.Owner, Status = FileRecord.Completed, At = Timestamp.FromDateTimeOffset(completed.CompletedAt!.Value),
            File = new Shared.Events.FileSummary { FileName = file.FileName, ContentType = file.ContentType, Size = file.Size, Sha256 = file.Sha256 },
        };
        await producer.ProduceAsync(Topics.Files, file.FileId, fileEvent, EventTypes.FileCompleted, file.FileId, CancellationToken.None);
        return TypedResults.Ok(ToResponse(completed));
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

    /// <summary>The uploader, and members of every conversation a message carried the file to, may read it; a download URL once it is complete.</summary>
    private static async Task<Results<Ok<FileResponse>, ProblemHttpResult>> Get(
        string fileId, HttpContext http, IObjectStore objects, IFileRecordStore metadata, IMessageStore messages, IOptions<FilesOptions> options,
        TimeProvider clock, CancellationToken ct)
    {
        var caller = http.User.Caller();
        if (!caller.Has(Scopes.MessagesRead)) return Problems.Forbidden($"This client's token lacks the {Scopes.MessagesRead} scope.", "scope");
        var file = await metadata.FindFileAsync(fileId, ct);
        if (file is null) return Problems.NotFound($"No file '{fileId}'.", "file_id");
        if (!await file.MayReadAsync(caller, messages, ct))
            return Problems.Forbidden("Only the uploader and members of a conversation the file was sent to may read it.", "file_id");
        if (file.Status != FileRecord.Completed) return TypedResults.Ok(ToResponse(file));
        var expiresAt = clock.GetUtcNow() + options.Value.DownloadUrlLifetime;
        return TypedResults.Ok(ToResponse(file) with { DownloadUrl = await objects.PresignGetAsync(file.ObjectKey, file.FileName, expiresAt, ct), DownloadExpiresAt = expiresAt });
    }

    private static FileResponse ToResponse(FileRecord f) =>
        new(f.FileId, f.FileName, f.ContentType, f.Size, f.Sha256, f.Status, f.Owner, f.CreatedAt, f.CompletedAt);
}
