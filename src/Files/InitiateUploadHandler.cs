using Chat.Shared;
using Chat.Shared.Http;
using Microsoft.Extensions.Options;

namespace Chat.Files;

/// <param name="FileName">Sanitized (<see cref="FileRules.SanitizeName"/>).</param>
/// <param name="ContentType">Lower case, without parameters.</param>
/// <param name="Sha256">Lower-case hex.</param>
internal sealed record UploadDeclaration(string FileName, string ContentType, long Size, string Sha256);

/// <summary>
/// Starting an upload that passed <see cref="FileRules.Check"/>: one presigned PUT, or one per part
/// above <see cref="FilesOptions.MultipartThreshold"/>, and the file's record, owned by the caller.
/// </summary>
internal sealed class InitiateUploadHandler(IObjectStore objects, IFileRecordStore metadata, IOptions<FilesOptions> options, TimeProvider clock)
{
    public async Task<InitiateUploadResponse> InitiateAsync(Caller caller, UploadDeclaration upload, CancellationToken ct)
    {
        var limits = options.Value;
        var fileId = Ids.New();
        var key = "files/" + fileId;
        var now = clock.GetUtcNow();
        var expiresAt = now + limits.UploadUrlLifetime;
        InitiateUploadResponse answer;
        string? uploadId = null;
        if (upload.Size > limits.MultipartThreshold)
        {
            uploadId = await objects.StartMultipartAsync(key, upload.ContentType, ct);
            var count = (int)((upload.Size + limits.PartSize - 1) / limits.PartSize);
            var parts = new List<PartUrl>(count);
            for (var part = 1; part <= count; part++) parts.Add(new PartUrl(part, await objects.PresignPartAsync(key, uploadId, part, expiresAt, ct)));
            answer = new InitiateUploadResponse(fileId, FileRecord.Uploading, expiresAt, UploadId: uploadId, PartSize: limits.PartSize, Parts: parts);
        }
        else
        {
            // The PUT must send exactly these headers: they are part of the signature (the content type, and with S3 the SHA-256 it enforces).
            var single = await objects.PresignPutAsync(key, upload.ContentType, upload.Sha256, expiresAt, ct);
            answer = new InitiateUploadResponse(fileId, FileRecord.Uploading, expiresAt, single.Url, single.Headers);
        }
        await metadata.PutFileAsync(new FileRecord(fileId, caller.Subject, upload.FileName, upload.ContentType, upload.Size, upload.Sha256, key,
            FileRecord.Uploading, uploadId, now, null, []), ct);
        return answer;
    }
}
