using Chat.Files;
using Chat.Shared.Events;

namespace Chat.Connectors;

/// <summary>A fresh download link for a file message's file, made at send time so a retry hours later still carries a live one.</summary>
internal sealed class FileLinks(IFileDirectory files, IObjectStore objects, TimeProvider clock)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>Null when the file no longer exists.</summary>
    public async Task<OutgoingFile?> LinkAsync(Payload payload, CancellationToken cancellationToken)
    {
        if (await files.FindFileAsync(payload.FileId, cancellationToken) is not { Status: FileRecord.Completed } file) return null;
        var url = await objects.PresignGetAsync(file.ObjectKey, file.FileName, clock.GetUtcNow() + Lifetime, cancellationToken);
        return new OutgoingFile(file.FileName, file.ContentType, file.Size, url, payload.Text.Length > 0 ? payload.Text : null);
    }
}
