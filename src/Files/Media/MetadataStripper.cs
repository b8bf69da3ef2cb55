using System.Buffers.Binary;

namespace Chat.Files.Media;

/// <summary>
/// Removes metadata from JPEG, PNG and WebP files losslessly: whole segments or chunks are left out,
/// nothing is decoded or re-encoded. Kept is what decoding and colour need (JPEG's JFIF, ICC profile
/// and Adobe segments, the image orientation as a minimal EXIF; PNG's and WebP's image chunks and
/// ICC profiles); dropped are EXIF (GPS, camera, thumbnails), XMP, IPTC, comments and text chunks.
/// A structure that stops making sense is copied on from there as it is: a viewer cannot read
/// metadata out of it either, and refusing would turn a truncated photo into an error.
/// </summary>
public static class MetadataStripper
{
    public static readonly IReadOnlySet<string> Strippable = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "image/jpeg", "image/png", "image/webp" };

    /// <summary>Copies <paramref name="input"/> to <paramref name="output"/> (seekable: WebP's header is patched) without its metadata; true when anything was left out.</summary>
    public static bool Strip(string contentType, Stream input, Stream output) => contentType.ToLowerInvariant() switch
    {
        "image/jpeg" => StripJpeg(input, output),
        "image/png" => StripPng(input, output),
        "image/webp" => StripWebP(input, output),
        _ => CopyRest(input, output, false),
    };

    private static bool StripJpeg(Stream input, Stream output)
    {
        var soi = new byte[2];
        var n = ReadFull(input, soi);
        if (n < 2 || soi[0] != 0xFF || soi[1] != 0xD8) return CopyRest(input, output, false, soi.AsSpan(0, n));
        output.Write(soi);
        var changed = false;
        var marker = new byte[4];
        while (true)
        {
            if (ReadFull(input, marker.AsSpan(0, 2)) is var got && got < 2) return CopyRest(input, output, changed, marker.AsSpan(0, got));
            if (marker[0] != 0xFF) return CopyRest(input, output, changed, marker.AsSpan(0, 2));
            // SOS: the entropy-coded image follows, with no length; copy it and everything after (EOI) as it is.
            if (marker[1] is 0xDA or 0xD9 || marker[1] is >= 0xD0 and <= 0xD7 or 0x01 or 0xFF) return CopyRest(input, output, changed, marker.AsSpan(0, 2));
            if (ReadFull(input, marker.AsSpan(2, 2)) is var lengthBytes && lengthBytes < 2) return CopyRest(input, output, changed, marker.AsSpan(0, 2 + lengthBytes));
            var length = BinaryPrimitives.ReadUInt16BigEndian(marker.AsSpan(2));
            if (length < 2) return CopyRest(input, output, changed, marker);
            var body = new byte[length - 2];
            if (ReadFull(input, body) is var bodyBytes && bodyBytes < body.Length) return CopyRest(input, output, changed, [.. marker, .. body.AsSpan(0, bodyBytes)]);
            if (KeepJpegSegment(marker[1], body))
            {
                output.Write(marker);
                output.Write(body);
                continue;
            }
            changed = true;
            // EXIF also says which way up the photo is; without it phones' portraits would lie on their side.
            if (marker[1] == 0xE1 && ExifOrientation(body) is { } orientation and not 1) output.Write(MinimalExif(orientation));
        }
    }

    /// <summary>APP0 JFIF/JFXX, APP2 ICC_PROFILE, APP14 Adobe (colour transform) and all non-APP segments (tables, frame) stay; other APPn and COM go.</summary>
    private static bool KeepJpegSegment(byte marker, ReadOnlySpan<byte> body) => marker switch
    {
        0xE0 => body.StartsWith("JFIF\0"u8) || body.StartsWith("JFXX\0"u8),
        0xE2 => body.StartsWith("ICC_PROFILE\0"u8),
        0xEE => body.StartsWith("Adobe"u8),
        0xFE => false,
        >= 0xE1 and <= 0xEF => false,
        _ => true,
    };

    /// <summary>The Orientation tag (0x0112) of IFD0 in an APP1 EXIF body, or null.</summary>
    private static int? ExifOrientation(byte[] body)
    {
        if (!body.AsSpan().StartsWith("Exif\0\0"u8) || body.Length < 14) return null;
        var tiff = body[6..];
        var big = tiff[0] == (byte)'M';
        if (!big && tiff[0] != (byte)'I') return null;
        uint U32(int at) => big ? BinaryPrimitives.ReadUInt32BigEndian(tiff.AsSpan(at)) : BinaryPrimitives.ReadUInt32LittleEndian(tiff.AsSpan(at));
        ushort U16(int at) => big ? BinaryPrimitives.ReadUInt16BigEndian(tiff.AsSpan(at)) : BinaryPrimitives.ReadUInt16LittleEndian(tiff.AsSpan(at));
        var ifd = U32(4);
        if (ifd > tiff.Length - 2) return null;
        var count = U16((int)ifd);
        for (var i = 0; i < count; i++)
        {
            var entry = (int)ifd + 2 + i * 12;
            if (entry + 12 > tiff.Length) return null;
            if (U16(entry) == 0x0112) return U16(entry + 8) is var value and >= 1 and <= 8 ? value : null;
        }
        return null;
    }

    /// <summary>An APP1 segment with one IFD0 entry: Orientation.</summary>
    private static byte[] MinimalExif(int orientation) =>
    [
        0xFF, 0xE1, 0x00, 34, .. "Exif\0\0"u8, (byte)'M', (byte)'M', 0x00, 0x2A, 0, 0, 0, 8,
        0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte)orientation, 0, 0, 0, 0, 0, 0,
    ];

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static bool StripPng(Stream input, Stream output)
    {
        var signature = new byte[8];
        var n = ReadFull(input, signature);
        if (n < 8 || !signature.AsSpan().SequenceEqual(PngSignature)) return CopyRest(input, output, false, signature.AsSpan(0, n));
        output.Write(signature);
        var changed = false;
        var header = new byte[8];
        while (ReadFull(input, header) is var got && got > 0)
        {
            if (got < 8) return CopyRest(input, output, changed, header.AsSpan(0, got));
            var length = BinaryPrimitives.ReadUInt32BigEndian(header);
            if (length > int.MaxValue - 4) return CopyRest(input, output, changed, header);
            var rest = new byte[length + 4]; // data and CRC
            if (ReadFull(input, rest) is var restBytes && restBytes < rest.Length) return CopyRest(input, output, changed, [.. header, .. rest.AsSpan(0, restBytes)]);
            var type = System.Text.Encoding.ASCII.GetString(header, 4, 4);
            if (type is "tEXt" or "zTXt" or "iTXt" or "eXIf" or "tIME")
            {
                changed = true;
                continue;
            }
            output.Write(header);
            output.Write(rest);
            // Bytes after IEND are no part of the image, only a place to hide things.
            if (type == "IEND") return changed || input.ReadByte() >= 0;
        }
        return changed;
    }

    private static bool StripWebP(Stream input, Stream output)
    {
        var riff = new byte[12];
        var n = ReadFull(input, riff);
        if (n < 12 || !riff.AsSpan(0, 4).SequenceEqual("RIFF"u8) || !riff.AsSpan(8, 4).SequenceEqual("WEBP"u8))
            return CopyRest(input, output, false, riff.AsSpan(0, n));
        var start = output.Position;
        output.Write(riff);
        var changed = false;
        long vp8xFlags = -1;
        var header = new byte[8];
        while (ReadFull(input, header) is var got && got > 0)
        {
            if (got < 8) return CopyRest(input, output, changed, header.AsSpan(0, got));
            var size = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
            if (size > int.MaxValue - 1) return CopyRest(input, output, changed, header);
            var body = new byte[size + (size & 1)];
            if (ReadFull(input, body) is var bodyBytes && bodyBytes < body.Length) return CopyRest(input, output, changed, [.. header, .. body.AsSpan(0, bodyBytes)]);
            var type = System.Text.Encoding.ASCII.GetString(header, 0, 4);
            if (type is "EXIF" or "XMP ")
            {
                changed = true;
                continue;
            }
            if (type == "VP8X" && body.Length > 0) vp8xFlags = output.Position + 8;
            output.Write(header);
            output.Write(body);
        }
        if (!changed) return false;
        var end = output.Position;
        if (vp8xFlags >= 0)
        {
            // VP8X announces EXIF (bit 3) and XMP (bit 2); they are gone.
            output.Position = vp8xFlags;
            var flags = output.ReadByte();
            output.Position = vp8xFlags;
            output.WriteByte((byte)(flags & ~0x0C));
        }
        var riffSize = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(riffSize, (uint)(end - start - 8));
        output.Position = start + 4;
        output.Write(riffSize);
        output.Position = end;
        return true;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; how many bytes it read.</summary>
    private static int ReadFull(Stream input, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length && input.Read(buffer[total..]) is var read and > 0) total += read;
        return total;
    }

    private static bool CopyRest(Stream input, Stream output, bool changed, ReadOnlySpan<byte> already = default)
    {
        output.Write(already);
        input.CopyTo(output);
        return changed;
    }
}
