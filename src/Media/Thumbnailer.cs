using NetVips;

namespace Chat.Media;

/// <summary>An image's size as shown (after its EXIF orientation) and its thumbnail, a JPEG.</summary>
public sealed record Thumbnail(int Width, int Height, int ThumbnailWidth, int ThumbnailHeight, byte[] Jpeg);

/// <summary>No thumbnail can be made of this file, now or later: its bytes are not an image libvips decodes (or one above <see cref="MediaOptions.MaxPixels"/>), or they are gone.</summary>
public sealed class UndecodableImageException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Thumbnails by libvips (NetVips): it shrinks while it decodes (a JPEG at 1/8 scale by its DCT), so a large
/// photo costs little memory and time. Only the JPEG, PNG and WebP loaders may run: every other libvips
/// operation that reads a file format (and the ones marked untrusted) is blocked, so a crafted upload
/// reaches only those three well-fuzzed decoders, whatever its bytes claim.
/// </summary>
public static class Thumbnailer
{
    private static readonly Lazy<bool> Locked = new(() =>
    {
        global::NetVips.NetVips.BlockUntrusted = true;
        Operation.Block("VipsForeignLoad", true);
        foreach (var loader in new[] { "VipsForeignLoadJpeg", "VipsForeignLoadPng", "VipsForeignLoadWebp" }) Operation.Block(loader, false);
        // One image at a time per call, nothing kept between files.
        Cache.Max = 0;
        return true;
    });

    /// <summary>Decodes the image at <paramref name="path"/> and makes its thumbnail, <paramref name="size"/> px on its longest side at most.</summary>
    public static Thumbnail Make(string path, int size, long maxPixels)
    {
        _ = Locked.Value;
        try
        {
            int width, height;
            using (var header = Image.NewFromFile(path, access: Enums.Access.Sequential))
            {
                if ((long)header.Width * header.Height > maxPixels)
                    throw new UndecodableImageException($"{header.Width}×{header.Height} is more than Media:MaxPixels ({maxPixels}) pixels.");
                // Orientations 5–8 turn the image a quarter: shown, it is as wide as it is stored high.
                var turned = header.Contains("orientation") && header.Get("orientation") is int o && o >= 5;
                (width, height) = turned ? (header.Height, header.Width) : (header.Width, header.Height);
            }
            using var thumbnail = Image.Thumbnail(path, size, height: size, size: Enums.Size.Down, failOn: Enums.FailOn.Error);
            using var opaque = thumbnail.HasAlpha() ? thumbnail.Flatten(background: [255, 255, 255]) : null;
            var jpeg = (opaque ?? thumbnail).JpegsaveBuffer(q: 80, keep: Enums.ForeignKeep.None);
            return new Thumbnail(width, height, thumbnail.Width, thumbnail.Height, jpeg);
        }
        catch (VipsException e)
        {
            throw new UndecodableImageException(e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "libvips could not decode it.", e);
        }
    }
}
