using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Chat.Files;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.EndToEnd.Tests;

/// <summary>A Host whose uploads go through a clamd of the test's own, with limits at Files:MaxSize (40 MiB here, to stay quick).</summary>
public sealed class ScannedFilesFixture : IAsyncLifetime
{
    public const long MaxSize = 40L << 20;

    public ChatServer Server { get; private set; } = null!;
    public ClamdServer Clamd { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Clamd = await ClamdServer.StartAsync(MaxSize);
        Server = await ChatServer.StartAsync(new Dictionary<string, string?>
        {
            ["Files:ClamdAddress"] = Clamd.Address, ["Files:MaxSize"] = MaxSize.ToString(), ["Files:ScanRetryAfter"] = "00:00:07",
            ["Files:MultipartThreshold"] = (8 << 20).ToString(), ["Files:PartSize"] = (5 << 20).ToString(),
        });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Clamd.DisposeAsync();
    }
}

/// <summary>Issue 23: nothing is served before clamd scanned it, images are served without their metadata. The tests restart clamd, so they run one by one (one class).</summary>
public sealed class SafeMediaTests(ScannedFilesFixture fixture) : IClassFixture<ScannedFilesFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly HttpClient Anonymous = new() { Timeout = TimeSpan.FromMinutes(2) };
    private ChatServer Server => fixture.Server;

    /// <summary>A real 16×16 baseline JPEG (JFIF, no EXIF): CPython's test image.</summary>
    private static readonly byte[] Jpeg = Convert.FromBase64String("/9j/4AAQSkZJRgABAQEAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/2wBDAQMDAwQDBAgEBAgQCwkLEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBD/wAARCAAQABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAABwQF/8QAJBAAAQQBBAICAwAAAAAAAAAAAQIDBAYFBwgSExEiABQJMTL/xAAVAQEBAAAAAAAAAAAAAAAAAAAABv/EACMRAAECBQMFAAAAAAAAAAAAAAECEQMEBQYhABIxFRZhgeH/2gAMAwEAAhEDEQA/ABSm0mobc8HmExLUlRzzEWPkJWW+ulrsaUVAseUgslSlH9LKuPryIKuWPZdskzXmm3fX5m2nF4GlVxx/HOpx4ks51+MiU/Iaad7UcUo4tILoS4kqcWkezS0hO/HvuRp0rO6hWnWO1UisZVuFi4GFeyEpmGepa5S5SWVPuciFKRFLgSrwetnyPIB+Vb4N9mKhQMzo5po9XLdDs9d6ZVix2VEhiL9kuNPxw2gEKcDQ/rs8AuA8VAe0vdl7VOYn+27flGAUgmITjbhSmCg3BYlyeWDkMolvw4KOp1KM6iCNvngZHwetf//Z");

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private async Task<ApiClient> UserAsync(string tag) => await Server.Client().SignUpAsync(tag + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Initiates and PUTs (in parts above 8 MiB); returns the file id, not yet completed.</summary>
    private static async Task<(string FileId, JsonArray? Etags)> PutAsync(ApiClient client, byte[] bytes, string contentType, string filename)
    {
        var initiated = await ApiClient.ExpectAsync(await client.PostJsonAsync("/v1/files/initiate",
            new { filename, content_type = contentType, size = bytes.Length, sha256 = Sha256(bytes) }), HttpStatusCode.Created);
        var fileId = initiated["file_id"]!.GetValue<string>();
        if (initiated["parts"] is not JsonArray parts)
        {
            var request = new HttpRequestMessage(HttpMethod.Put, initiated["upload_url"]!.GetValue<string>()) { Content = new ByteArrayContent(bytes) };
            foreach (var (name, value) in initiated["headers"]!.AsObject())
                if (name == "content-type") request.Content.Headers.ContentType = new(value!.GetValue<string>());
                else request.Headers.TryAddWithoutValidation(name, value!.GetValue<string>());
            Assert.True((await Anonymous.SendAsync(request)).IsSuccessStatusCode);
            return (fileId, null);
        }
        var partSize = initiated["part_size"]!.GetValue<long>();
        var etags = new JsonArray();
        foreach (var part in parts)
        {
            var number = part!["part_number"]!.GetValue<int>();
            var offset = (number - 1) * partSize;
            var put = await Anonymous.PutAsync(part["url"]!.GetValue<string>(), new ByteArrayContent(bytes, (int)offset, (int)Math.Min(partSize, bytes.Length - offset)));
            Assert.True(put.IsSuccessStatusCode);
            etags.Add(new JsonObject { ["part_number"] = number, ["etag"] = put.Headers.ETag!.Tag });
        }
        return (fileId, etags);
    }

    private static Task<HttpResponseMessage> CompleteAsync(ApiClient client, (string FileId, JsonArray? Etags) upload) =>
        client.PostJsonAsync("/v1/files/complete", upload.Etags is null ? new JsonObject { ["file_id"] = upload.FileId }
            : new JsonObject { ["file_id"] = upload.FileId, ["parts"] = upload.Etags.DeepClone() });

    private async Task<byte[]?> StoredAsync(string fileId)
    {
        await using var stored = await Server.Services.GetRequiredService<IObjectStore>().OpenReadAsync("files/" + fileId);
        if (stored is null) return null;
        var copy = new MemoryStream();
        await stored.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>The upload's JPEG: an APP1 EXIF segment right after SOI with Orientation 6 and a GPS IFD (52°31'N), then the image.</summary>
    private static byte[] JpegWithGps()
    {
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8,
            0, 2, // IFD0: two entries
            0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, // Orientation = 6 (rotate 90°)
            0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38, // GPSInfo IFD at 38
            0, 0, 0, 0, // no IFD1
            0, 2, // GPS IFD: two entries
            0x00, 0x01, 0, 2, 0, 0, 0, 2, (byte)'N', 0, 0, 0, // GPSLatitudeRef "N"
            0x00, 0x02, 0, 5, 0, 0, 0, 3, 0, 0, 0, 68, // GPSLatitude, 3 rationals at 68
            0, 0, 0, 0,
            0, 0, 0, 52, 0, 0, 0, 1, 0, 0, 0, 31, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1,
        ];
        byte[] app1 = [0xFF, 0xE1, (byte)((tiff.Length + 8) >> 8), (byte)(tiff.Length + 8), .. "Exif\0\0"u8, .. tiff];
        byte[] comment = [0xFF, 0xFE, 0, 12, .. "home, 8am"u8, 0];
        return [.. Jpeg[..2], .. app1, .. Jpeg[2..20], .. comment, .. Jpeg[20..]];
    }

    [Fact]
    public async Task A_JPEG_with_GPS_EXIF_is_served_without_it_its_sha256_is_the_served_bytes_and_original_sha256_the_uploaded()
    {
        var alice = await UserAsync("ma");
        var bob = await UserAsync("mb");
        var uploaded = JpegWithGps();
        var upload = await PutAsync(alice, uploaded, "image/jpeg", "holiday.jpg");
        var completed = await ApiClient.ExpectAsync(await CompleteAsync(alice, upload), HttpStatusCode.OK);
        Assert.Equal("completed", completed["status"]!.GetValue<string>());
        Assert.Equal("clean", completed["scan"]!.GetValue<string>());
        Assert.Equal(Sha256(uploaded), completed["original_sha256"]!.GetValue<string>());

        var conversation = await alice.CreateConversationAsync("direct", bob.Username!);
        await ApiClient.ExpectAsync(await alice.PostJsonAsync("/v1/messages",
            new { conversation_id = conversation, from = alice.Username, payload = new { type = "file", file_id = upload.FileId } }), HttpStatusCode.Accepted);
        var file = await Eventually.UntilAsync(async () => await bob.Http.GetAsync($"/v1/files/{upload.FileId}"), r => r.StatusCode == HttpStatusCode.OK, Deadline, "the message to share the file with bob");
        var metadata = JsonNode.Parse(await file.Content.ReadAsStringAsync())!;
        var downloaded = await Anonymous.GetByteArrayAsync(metadata["download_url"]!.GetValue<string>());

        Assert.Equal(metadata["sha256"]!.GetValue<string>(), Sha256(downloaded));
        Assert.Equal(downloaded.Length, metadata["size"]!.GetValue<long>());
        // Exactly the original image, with the GPS EXIF and the comment gone and only the orientation kept (as a minimal EXIF).
        byte[] orientationOnly = [0xFF, 0xE1, 0, 34, .. "Exif\0\0"u8, (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0];
        Assert.Equal([.. Jpeg[..2], .. orientationOnly, .. Jpeg[2..]], downloaded);
        Assert.Equal(-1, downloaded.AsSpan().IndexOf("home, 8am"u8));
    }

    [Fact]
    public async Task The_EICAR_file_single_and_multipart_is_422_naming_file_id_and_the_object_is_gone_while_a_clean_file_completes()
    {
        var alice = await UserAsync("me");
        var single = await PutAsync(alice, ClamdServer.Eicar, "text/plain", "eicar.txt");
        var problem = await ApiClient.ExpectAsync(await CompleteAsync(alice, single), HttpStatusCode.UnprocessableEntity);
        // Both test signatures match the whole file; clamd names whichever it tried first.
        Assert.Matches("(eicar.txt|Eicar-Test-Body).UNOFFICIAL", problem["errors"]!["file_id"]![0]!.GetValue<string>());
        Assert.Null(await StoredAsync(single.FileId));
        Assert.Equal("rejected", (await alice.GetJsonAsync($"/v1/files/{single.FileId}"))["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await CompleteAsync(alice, single)).StatusCode);

        // 9 MiB in two parts, the test string inside the second.
        var big = Random(9 << 20, 23);
        ClamdServer.Eicar.CopyTo(big, (6 << 20) + 17);
        var multipart = await PutAsync(alice, big, "application/octet-stream", "archive.bin");
        Assert.NotNull(multipart.Etags);
        problem = await ApiClient.ExpectAsync(await CompleteAsync(alice, multipart), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Eicar-Test-Body", problem["errors"]!["file_id"]![0]!.GetValue<string>());
        Assert.Null(await StoredAsync(multipart.FileId));

        var clean = await PutAsync(alice, Random(100_000, 24), "application/octet-stream", "clean.bin");
        var completed = await ApiClient.ExpectAsync(await CompleteAsync(alice, clean), HttpStatusCode.OK);
        Assert.Equal("clean", completed["scan"]!.GetValue<string>());
    }

    [Fact]
    public async Task While_clamd_is_down_complete_is_503_with_Retry_After_and_completes_once_it_is_back()
    {
        var alice = await UserAsync("md");
        var bytes = Random(50_000, 25);
        var upload = await PutAsync(alice, bytes, "application/octet-stream", "later.bin");
        await fixture.Clamd.StopAsync();
        try
        {
            var refused = await CompleteAsync(alice, upload);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(7), refused.Headers.RetryAfter?.Delta);
            Assert.Equal("scanning", (await alice.GetJsonAsync($"/v1/files/{upload.FileId}"))["status"]!.GetValue<string>());
        }
        finally
        {
            await fixture.Clamd.StartAgainAsync(ScannedFilesFixture.MaxSize);
        }
        var completed = await ApiClient.ExpectAsync(await CompleteAsync(alice, upload), HttpStatusCode.OK);
        Assert.Equal("clean", completed["scan"]!.GetValue<string>());
        Assert.Equal(Sha256(bytes), completed["sha256"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_file_above_clamds_default_25_MB_stream_limit_is_scanned_to_its_end_and_never_passed_unscanned()
    {
        var alice = await UserAsync("ml");
        var big = Random(30 << 20, 26);
        ClamdServer.Eicar.CopyTo(big, (29 << 20) + 5);
        // With limits at Files:MaxSize, clamd reads it all and finds what is past 25 MB.
        var problem = await ApiClient.ExpectAsync(await CompleteAsync(alice, await PutAsync(alice, big, "application/octet-stream", "big.bin")), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Eicar-Test-Body", problem["errors"]!["file_id"]![0]!.GetValue<string>());

        // With Debian's limits clamd stops reading at 25 MB: that is no verdict, so no completion either.
        await fixture.Clamd.StartAgainAsync(null);
        try
        {
            var upload = await PutAsync(alice, Random(30 << 20, 27), "application/octet-stream", "big-clean.bin");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await CompleteAsync(alice, upload)).StatusCode);
            Assert.NotEqual("completed", (await alice.GetJsonAsync($"/v1/files/{upload.FileId}"))["status"]!.GetValue<string>());
        }
        finally
        {
            await fixture.Clamd.StartAgainAsync(ScannedFilesFixture.MaxSize);
        }
    }

    /// <summary>A 640×480 photo (made by libvips) with an APP1 EXIF right after SOI holding only a GPS IFD (52°31'N): nothing in it is kept.</summary>
    private static byte[] PhotoWithGps()
    {
        using var photo = NetVips.Image.Black(640, 480, bands: 3).Linear(new double[] { 1, 1, 1 }, new double[] { 30, 120, 200 }).Cast(NetVips.Enums.BandFormat.Uchar);
        var jpeg = photo.JpegsaveBuffer(q: 90);
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8,
            0, 1, // IFD0: one entry
            0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26, // GPSInfo IFD at 26
            0, 0, 0, 0, // no IFD1
            0, 2, // GPS IFD: two entries
            0x00, 0x01, 0, 2, 0, 0, 0, 2, (byte)'N', 0, 0, 0, // GPSLatitudeRef "N"
            0x00, 0x02, 0, 5, 0, 0, 0, 3, 0, 0, 0, 56, // GPSLatitude, 3 rationals at 56
            0, 0, 0, 0,
            0, 0, 0, 52, 0, 0, 0, 1, 0, 0, 0, 31, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1,
        ];
        byte[] app1 = [0xFF, 0xE1, (byte)((tiff.Length + 8) >> 8), (byte)(tiff.Length + 8), .. "Exif\0\0"u8, .. tiff];
        return [.. jpeg[..2], .. app1, .. jpeg[2..]];
    }

    [Fact]
    public async Task A_photo_with_GPS_EXIF_is_served_without_EXIF_and_gets_a_320_px_thumbnail_announced_by_file_updated()
    {
        var alice = await UserAsync("mt");
        var bob = await UserAsync("mu");
        await using var aliceSocket = await ChatSocket.ConnectAsync(Server.BaseAddress, alice);
        var uploaded = PhotoWithGps();
        using (var check = NetVips.Image.NewFromBuffer(uploaded))
            Assert.Contains("exif-data", check.GetFields()); // the upload really carries its EXIF
        var upload = await PutAsync(alice, uploaded, "image/jpeg", "beach.jpg");
        var completed = await ApiClient.ExpectAsync(await CompleteAsync(alice, upload), HttpStatusCode.OK);
        Assert.Equal(Sha256(uploaded), completed["original_sha256"]!.GetValue<string>());

        // The uploader's socket hears of the thumbnail (the media worker may finish before the message below is sent).
        var updated = await aliceSocket.WaitForAsync(f => ChatSocket.Type(f) == "file.updated" && f["file_id"]?.GetValue<string>() == upload.FileId, Deadline, "file.updated");
        Assert.Equal("ready", updated["thumbnail"]!.GetValue<string>());
        Assert.Equal((640, 480, 320, 240), (updated["width"]!.GetValue<int>(), updated["height"]!.GetValue<int>(),
            updated["thumbnail_width"]!.GetValue<int>(), updated["thumbnail_height"]!.GetValue<int>()));

        var conversation = await alice.CreateConversationAsync("direct", bob.Username!);
        await ApiClient.ExpectAsync(await alice.PostJsonAsync("/v1/messages",
            new { conversation_id = conversation, from = alice.Username, payload = new { type = "file", file_id = upload.FileId } }), HttpStatusCode.Accepted);
        var file = await Eventually.UntilAsync(async () => await bob.Http.GetAsync($"/v1/files/{upload.FileId}"), r => r.StatusCode == HttpStatusCode.OK, Deadline, "the message to share the file with bob");
        var metadata = JsonNode.Parse(await file.Content.ReadAsStringAsync())!;

        var downloaded = await Anonymous.GetByteArrayAsync(metadata["download_url"]!.GetValue<string>());
        Assert.Equal(metadata["sha256"]!.GetValue<string>(), Sha256(downloaded));
        Assert.Equal(Sha256(uploaded), metadata["original_sha256"]!.GetValue<string>());
        Assert.Equal(-1, downloaded.AsSpan().IndexOf("Exif\0\0"u8));
        using (var served = NetVips.Image.NewFromBuffer(downloaded))
            Assert.DoesNotContain(served.GetFields(), f => f.StartsWith("exif-", StringComparison.Ordinal));

        Assert.Equal("ready", metadata["thumbnail"]!.GetValue<string>());
        Assert.Equal((640, 480), (metadata["width"]!.GetValue<int>(), metadata["height"]!.GetValue<int>()));
        var thumbnail = await Anonymous.GetByteArrayAsync(metadata["thumbnail_url"]!.GetValue<string>());
        using var decoded = NetVips.Image.NewFromBuffer(thumbnail);
        Assert.Equal((320, 240), (decoded.Width, decoded.Height));
        Assert.Equal((320, 240), (metadata["thumbnail_width"]!.GetValue<int>(), metadata["thumbnail_height"]!.GetValue<int>()));
        Assert.NotNull(await StoredAsync(upload.FileId + ".thumb.jpg"));

        // Bob's history carries the thumbnail's URL with the file message.
        var history = await bob.GetJsonAsync($"/v1/conversations/{conversation}/messages");
        var inHistory = history["items"]!.AsArray().Single(m => m!["payload"]?["file_id"]?.GetValue<string>() == upload.FileId)!;
        using var fromHistory = NetVips.Image.NewFromBuffer(await Anonymous.GetByteArrayAsync(inHistory["payload"]!["thumbnail_url"]!.GetValue<string>()));
        Assert.Equal((320, 240), (fromHistory.Width, fromHistory.Height));
    }

    [Fact]
    public async Task An_image_that_does_not_decode_is_marked_failed_and_gets_no_thumbnail()
    {
        var alice = await UserAsync("mf");
        await using var socket = await ChatSocket.ConnectAsync(Server.BaseAddress, alice);
        // It begins as a JPEG does (so it is accepted as one), then is noise.
        byte[] broken = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, .. "JFIF\0"u8, 1, 1, 0, 0, 1, 0, 1, 0, 0, .. Random(20_000, 28)];
        var upload = await PutAsync(alice, broken, "image/jpeg", "broken.jpg");
        await ApiClient.ExpectAsync(await CompleteAsync(alice, upload), HttpStatusCode.OK);

        var updated = await socket.WaitForAsync(f => ChatSocket.Type(f) == "file.updated" && f["file_id"]?.GetValue<string>() == upload.FileId, Deadline, "file.updated");
        Assert.Equal("failed", updated["thumbnail"]!.GetValue<string>());
        Assert.Null(updated["thumbnail_url"]);
        var metadata = await alice.GetJsonAsync($"/v1/files/{upload.FileId}");
        Assert.Equal("failed", metadata["thumbnail"]!.GetValue<string>());
        Assert.Equal("completed", metadata["status"]!.GetValue<string>());
        Assert.Null(metadata["thumbnail_url"]);
        Assert.Null(await StoredAsync(upload.FileId + ".thumb.jpg"));
    }
}
