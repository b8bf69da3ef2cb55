using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;
using Microsoft.Extensions.Options;

namespace Chat.Files;

/// <summary>A file as the uploader, or a member of a conversation a message carried it to, sees it: with a download URL once it is complete, and its thumbnail's once the media worker made it.</summary>
internal sealed class ReadFileHandler(IObjectStore objects, IFileRecordStore metadata, IMessageStore messages, IOptions<FilesOptions> options, TimeProvider clock)
{
    public async Task<Outcome<FileResponse>> ReadAsync(Caller caller, string fileId, CancellationToken ct)
    {
        var file = await metadata.FindFileAsync(fileId, ct);
        if (file is null) return new Refusal.NotFound("file_id", $"No file '{fileId}'.");
        if (!await file.MayReadAsync(caller, messages, ct))
            return new Refusal.Forbidden("file_id", "Only the uploader and members of a conversation the file was sent to may read it.");
        if (file.Status != FileRecord.Completed) return FileResponse.Of(file);
        var expiresAt = clock.GetUtcNow() + options.Value.DownloadUrlLifetime;
        return FileResponse.Of(file) with
        {
            DownloadUrl = await objects.PresignGetAsync(file.ObjectKey, file.FileName, expiresAt, ct),
            DownloadExpiresAt = expiresAt,
            ThumbnailUrl = await file.PresignThumbnailAsync(objects, expiresAt, ct),
        };
    }
}
