// Strip time per MB and thumbnail time per megapixel, as the Files service and the media worker do them
// (MetadataStripper.Strip between temporary files; Thumbnailer.Make from a file at 320 px).
//   flock /tmp/chat-build.lock dotnet run -c Release --project loadtest/MediaBench -- [--rounds 3] [--megapixels 2,12,24]
// Each round prints one line per case; the README quotes the range over the rounds.
using System.Diagnostics;
using Chat.Files.Media;
using Chat.Media;
using NetVips;

var rounds = 3;
var megapixels = new[] { 2, 12, 24 };
for (var i = 0; i < args.Length - 1; i++)
    switch (args[i])
    {
        case "--rounds": rounds = int.Parse(args[++i]); break;
        case "--megapixels": megapixels = args[++i].Split(',').Select(int.Parse).ToArray(); break;
    }

var directory = Directory.CreateTempSubdirectory("mediabench").FullName;
try
{
    // Noise: the worst case for size (a photo of that resolution is smaller), so MB and megapixels both grow.
    var images = new List<(string Path, string ContentType, int Megapixels, double Mb)>();
    foreach (var mp in megapixels)
    {
        var width = (int)Math.Sqrt(mp * 1_000_000 * 4.0 / 3);
        var height = mp * 1_000_000 / width;
        using var noise = Image.Gaussnoise(width, height, mean: 128, sigma: 40).Bandjoin(Image.Gaussnoise(width, height, mean: 100, sigma: 30), Image.Gaussnoise(width, height, mean: 90, sigma: 50))
            .Cast(Enums.BandFormat.Uchar);
        foreach (var (type, bytes) in new[] { ("image/jpeg", WithExif(noise.JpegsaveBuffer(q: 90))), ("image/png", noise.PngsaveBuffer(compression: 1)), ("image/webp", noise.WebpsaveBuffer(q: 80)) })
        {
            var path = Path.Combine(directory, $"{mp}mp.{type[6..]}");
            await File.WriteAllBytesAsync(path, bytes);
            images.Add((path, type, mp, bytes.Length / 1048576.0));
        }
    }

    Thumbnailer.Make(images[0].Path, 320, 1_000_000_000); // loads libvips and its loaders once
    for (var round = 1; round <= rounds; round++)
    {
        Console.WriteLine($"round {round}");
        foreach (var (path, type, mp, mb) in images)
        {
            var strip = Stripped(path, type);
            var clock = Stopwatch.StartNew();
            var made = Thumbnailer.Make(path, 320, 1_000_000_000);
            var thumb = clock.Elapsed.TotalMilliseconds;
            Console.WriteLine($"  {type,-10} {mp,3} MP {mb,7:F1} MB   strip {strip / mb,6:F2} ms/MB   thumbnail {thumb / mp,6:F1} ms/MP ({thumb:F0} ms, {made.ThumbnailWidth}x{made.ThumbnailHeight})");
        }
    }
}
finally
{
    Directory.Delete(directory, recursive: true);
}

// As UploadScreening does: from one temporary file to another (both in the page cache here).
static double Stripped(string path, string type)
{
    using var input = File.OpenRead(path);
    using var output = new FileStream(path + ".stripped", FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
    var clock = Stopwatch.StartNew();
    MetadataStripper.Strip(type, input, output);
    output.Flush();
    return clock.Elapsed.TotalMilliseconds;
}

// A camera's APP1 (GPS and all) right after SOI, so the JPEG has something to strip.
static byte[] WithExif(byte[] jpeg)
{
    byte[] tiff = [(byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, .. new byte[4000]];
    byte[] app1 = [0xFF, 0xE1, (byte)((tiff.Length + 8) >> 8), (byte)(tiff.Length + 8), .. "Exif\0\0"u8, .. tiff];
    return [.. jpeg[..2], .. app1, .. jpeg[2..]];
}
