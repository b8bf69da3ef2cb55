using System.Buffers.Binary;
using System.Text;
using Chat.Files.Media;

namespace Chat.Files.Tests;

/// <summary>PNG and WebP files lose their metadata chunks and keep every image chunk byte for byte (JPEG: SafeMediaTests).</summary>
public sealed class MetadataStripperTests
{
    private static byte[] Strip(string contentType, byte[] input, out bool changed)
    {
        var output = new MemoryStream();
        changed = MetadataStripper.Strip(contentType, new MemoryStream(input), output);
        return output.ToArray();
    }

    private static byte[] PngChunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        // The CRC is left as 0: stripping copies chunks whole and never checks it.
        return chunk;
    }

    [Fact]
    public void A_PNG_loses_its_text_and_EXIF_chunks_and_what_follows_IEND()
    {
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        var ihdr = PngChunk("IHDR", [0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
        var idat = PngChunk("IDAT", [0x78, 0x9C, 0x63, 0x60, 0, 0, 0, 2, 0, 1]);
        var iend = PngChunk("IEND", []);
        byte[] png = [.. signature, .. ihdr, .. PngChunk("tEXt", "Author\0alice"u8.ToArray()), .. PngChunk("eXIf", [0x4D, 0x4D, 0, 42]),
            .. PngChunk("iTXt", "GPS\0\0\0\0\0here"u8.ToArray()), .. idat, .. PngChunk("zTXt", "c\0\0x"u8.ToArray()), .. iend, .. "hidden"u8];
        Assert.Equal([.. signature, .. ihdr, .. idat, .. iend], Strip("image/png", png, out var changed));
        Assert.True(changed);

        byte[] clean = [.. signature, .. ihdr, .. idat, .. iend];
        Assert.Equal(clean, Strip("image/png", clean, out changed));
        Assert.False(changed);
    }

    private static byte[] RiffChunk(string type, byte[] data) =>
        [.. Encoding.ASCII.GetBytes(type), .. BitConverter.GetBytes((uint)data.Length), .. data, .. (data.Length % 2 == 1 ? new byte[1] : [])];

    private static byte[] WebP(params byte[][] chunks)
    {
        byte[] body = [.. "WEBP"u8, .. chunks.SelectMany(c => c)];
        return [.. "RIFF"u8, .. BitConverter.GetBytes((uint)body.Length), .. body];
    }

    [Fact]
    public void A_WebP_loses_its_EXIF_and_XMP_chunks_with_the_VP8X_flags_and_RIFF_size_fixed()
    {
        byte[] vp8x(byte flags) => RiffChunk("VP8X", [flags, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        var image = RiffChunk("VP8L", [0x2F, 0, 0, 0, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xFE, 0x07, 0]);
        var icc = RiffChunk("ICCP", [1, 2, 3]);
        // Flags: ICC 0x20, EXIF 0x08, XMP 0x04.
        var input = WebP(vp8x(0x2C), icc, image, RiffChunk("EXIF", [0x4D, 0x4D, 0, 42, 1]), RiffChunk("XMP ", "<x:xmpmeta/>"u8.ToArray()));
        var output = Strip("image/webp", input, out var changed);
        Assert.True(changed);
        Assert.Equal(WebP(vp8x(0x20), icc, image), output);
    }

    [Fact]
    public void Bytes_that_are_no_such_image_or_stop_midway_are_copied_as_they_are()
    {
        byte[] truncated = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4];
        Assert.Equal(truncated, Strip("image/png", truncated, out var changed));
        Assert.False(changed);
        var text = "not a jpeg at all"u8.ToArray();
        Assert.Equal(text, Strip("image/jpeg", text, out _));
        Assert.Equal(text, Strip("image/webp", text, out _));
    }
}
