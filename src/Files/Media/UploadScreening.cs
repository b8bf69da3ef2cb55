using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Chat.Files.Media;

/// <summary>What screening made of an upload whose bytes were what was declared.</summary>
public abstract record Screening
{
    private Screening()
    {
    }

    /// <summary>Scanned (or scanning skipped) and stripped: the record as it is served.</summary>
    public sealed record Passed(FileRecord File) : Screening;

    public sealed record Infected(string Signature) : Screening;

    /// <summary>clamd could not scan it; nothing was changed and the same file may be completed again later.</summary>
    public sealed record Unavailable(string Detail) : Screening;
}

/// <summary>
/// Streams an upload through clamd, then strips an image's metadata (<see cref="MetadataStripper"/>)
/// and stores the stripped bytes over the uploaded ones. An image is read from the store once into a
/// temporary file that both steps read; other files go straight from the store to clamd.
/// </summary>
public sealed class UploadScreening(IObjectStore objects, ClamdScanner scanner, IOptions<FilesOptions> options, ILogger<UploadScreening> logger)
{
    public async Task<Screening> ScreenAsync(FileRecord file, CancellationToken ct)
    {
        await using var local = MetadataStripper.Strippable.Contains(file.ContentType) ? await DownloadAsync(file.ObjectKey, ct) : null;
        var scan = FileRecord.ScanSkipped;
        if (scanner.Configured)
        {
            try
            {
                var verdict = local is null ? await ScanStoredAsync(file.ObjectKey, ct) : await scanner.ScanAsync(local, ct);
                if (verdict.Infected) return new Screening.Infected(verdict.Signature!);
                scan = FileRecord.ScanClean;
            }
            catch (ScannerUnavailableException e) when (!options.Value.ScanRequired)
            {
                logger.LogWarning("File {FileId} completes unscanned (Files:ScanRequired=false): {Reason}", file.FileId, e.Message);
            }
            catch (ScannerUnavailableException e)
            {
                logger.LogWarning("File {FileId} could not be scanned: {Reason}", file.FileId, e.Message);
                return new Screening.Unavailable("The virus scanner cannot be reached right now; complete again later.");
            }
        }
        var served = file with { OriginalSha256 = file.OriginalSha256 ?? file.Sha256, Scan = scan };
        if (local is null) return new Screening.Passed(served);

        local.Position = 0;
        await using var stripped = TempFile();
        if (!MetadataStripper.Strip(file.ContentType, local, stripped)) return new Screening.Passed(served);
        stripped.Position = 0;
        var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stripped, ct));
        stripped.Position = 0;
        await objects.PutAsync(file.ObjectKey, stripped, file.ContentType, ct);
        return new Screening.Passed(served with { Size = stripped.Length, Sha256 = sha256 });
    }

    private async Task<ScanVerdict> ScanStoredAsync(string key, CancellationToken ct)
    {
        await using var content = await objects.OpenReadAsync(key, ct) ?? Stream.Null;
        return await scanner.ScanAsync(content, ct);
    }

    private async Task<FileStream> DownloadAsync(string key, CancellationToken ct)
    {
        var temp = TempFile();
        await using (var content = await objects.OpenReadAsync(key, ct) ?? Stream.Null) await content.CopyToAsync(temp, ct);
        temp.Position = 0;
        return temp;
    }

    private static FileStream TempFile() => new(Path.GetTempFileName(), FileMode.Create, System.IO.FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
}
