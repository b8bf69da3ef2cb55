using Chat.Files;
using Chat.Storage;
using Microsoft.Extensions.Options;

namespace Chat.Frontend;

/// <summary>
/// Adds <c>payload.thumbnail_url</c> to a history page's file messages whose image has its thumbnail
/// (the media worker's), signed when the page is read, like a download URL, so a page read later
/// still carries a live one. One record read per file on the page.
/// </summary>
internal sealed class FileThumbnails(IFileDirectory files, IObjectStore objects, IOptions<FilesOptions> options, TimeProvider clock)
{
    public async Task<List<PublicMessage>> AddAsync(IEnumerable<PublicMessage> messages, CancellationToken ct)
    {
        var page = messages.ToList();
        var expiresAt = clock.GetUtcNow() + options.Value.DownloadUrlLifetime;
        var urls = new Dictionary<string, Uri?>(StringComparer.Ordinal);
        for (var i = 0; i < page.Count; i++)
        {
            if (page[i].Payload is not { Type: "file", FileId: { } fileId } payload) continue;
            if (!urls.TryGetValue(fileId, out var url))
                urls[fileId] = url = await files.FindFileAsync(fileId, ct) is { } file ? await file.PresignThumbnailAsync(objects, expiresAt, ct) : null;
            if (url is not null) page[i] = page[i] with { Payload = payload with { ThumbnailUrl = url } };
        }
        return page;
    }
}
