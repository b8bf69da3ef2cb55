using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Chat.Files;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.EndToEnd.Tests;

/// <summary>A Host whose object store is chosen by <see cref="Settings"/>.</summary>
public abstract class FilesFixture : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    protected abstract Dictionary<string, string?> Settings();

    // Parts from 8 MiB, of 5 MiB (S3's smallest), so a 9 MiB file already goes in parts.
    public async Task InitializeAsync() => Server = await ChatServer.StartAsync(new Dictionary<string, string?>(Settings())
    {
        ["Files:MultipartThreshold"] = (8 << 20).ToString(), ["Files:PartSize"] = (5 << 20).ToString(),
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class LocalFilesFixture : FilesFixture
{
    protected override Dictionary<string, string?> Settings() => [];
}

public sealed class S3FilesFixture : FilesFixture
{
    protected override Dictionary<string, string?> Settings() => TestServers.S3("chat-tests-" + Guid.NewGuid().ToString("N")[..12]);
}

/// <summary>Embedded mode: a local directory, with URLs the Files service signs and serves.</summary>
public sealed class LocalFilesTests(LocalFilesFixture fixture) : FilesContract(fixture.Server), IClassFixture<LocalFilesFixture>;

/// <summary>Distributed mode's adapter against a real S3 server (Ceph's RADOS Gateway, started by the test command).</summary>
public sealed class S3FilesTests(S3FilesFixture fixture) : FilesContract(fixture.Server), IClassFixture<S3FilesFixture>;

/// <summary>The presigned flow as a client drives it, the same against either object store.</summary>
public abstract class FilesContract(ChatServer server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    // Presigned URLs carry their own permission: no Authorization header may ride along (S3 would refuse it).
    private static readonly HttpClient Anonymous = new() { Timeout = TimeSpan.FromMinutes(5) };

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private async Task<ApiClient> UserAsync(string tag) => await server.Client().SignUpAsync(tag + Guid.NewGuid().ToString("N")[..8]);

    private static Task<HttpResponseMessage> InitiateAsync(ApiClient client, string filename, string contentType, long size, string sha256) =>
        client.PostJsonAsync("/v1/files/initiate", new { filename, content_type = contentType, size, sha256 });

    /// <summary>Initiates, PUTs the bytes (in parts when told to) and completes; returns the answer to complete.</summary>
    private static async Task<HttpResponseMessage> UploadAsync(ApiClient client, byte[] bytes, string contentType = "application/octet-stream",
        string? declaredSha256 = null, string filename = "data.bin")
    {
        var initiated = await ApiClient.ExpectAsync(await InitiateAsync(client, filename, contentType, bytes.Length, declaredSha256 ?? Sha256(bytes)), HttpStatusCode.Created);
        var fileId = initiated["file_id"]!.GetValue<string>();
        if (initiated["parts"] is JsonArray parts)
        {
            var partSize = initiated["part_size"]!.GetValue<long>();
            var etags = new List<object>();
            foreach (var part in parts)
            {
                var number = part!["part_number"]!.GetValue<int>();
                var offset = (number - 1) * partSize;
                var put = await Anonymous.PutAsync(part["url"]!.GetValue<string>(),
                    new ByteArrayContent(bytes, (int)offset, (int)Math.Min(partSize, bytes.Length - offset)));
                Assert.True(put.IsSuccessStatusCode, $"part {number}: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
                etags.Add(new { part_number = number, etag = put.Headers.ETag!.Tag });
            }
            return await client.PostJsonAsync("/v1/files/complete", new { file_id = fileId, parts = etags });
        }
        var upload = await PutWholeAsync(initiated, bytes);
        Assert.True(upload.IsSuccessStatusCode, $"PUT: {(int)upload.StatusCode} {await upload.Content.ReadAsStringAsync()}");
        return await client.PostJsonAsync("/v1/files/complete", new { file_id = fileId });
    }

    /// <summary>One PUT to upload_url with exactly the headers initiate asked for.</summary>
    private static Task<HttpResponseMessage> PutWholeAsync(JsonNode initiated, byte[] bytes)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, initiated["upload_url"]!.GetValue<string>()) { Content = new ByteArrayContent(bytes) };
        foreach (var (name, value) in initiated["headers"]!.AsObject())
            if (name == "content-type") request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(value!.GetValue<string>());
            else request.Headers.TryAddWithoutValidation(name, value!.GetValue<string>());
        return Anonymous.SendAsync(request);
    }

    private static async Task<byte[]> DownloadAsync(ApiClient client, string fileId)
    {
        var file = await client.GetJsonAsync($"/v1/files/{fileId}");
        Assert.Equal("completed", file["status"]!.GetValue<string>());
        var response = await Anonymous.GetAsync(file["download_url"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    [Fact]
    public async Task A_5_MB_file_goes_up_through_one_url_and_comes_back_identical()
    {
        var alice = await UserAsync("fa");
        var bytes = Bytes(5 * 1024 * 1024, 5);
        var completed = await ApiClient.ExpectAsync(await UploadAsync(alice, bytes), HttpStatusCode.OK);
        Assert.Equal("completed", completed["status"]!.GetValue<string>());
        Assert.Equal(bytes.Length, completed["size"]!.GetValue<long>());
        Assert.Equal(Sha256(bytes), Sha256(await DownloadAsync(alice, completed["file_id"]!.GetValue<string>())));
    }

    [Fact]
    public async Task A_100_MB_file_goes_up_in_parts_and_comes_back_identical()
    {
        var alice = await UserAsync("fb");
        var bytes = Bytes(100 * 1024 * 1024, 100);
        var completed = await ApiClient.ExpectAsync(await UploadAsync(alice, bytes), HttpStatusCode.OK);
        var downloaded = await DownloadAsync(alice, completed["file_id"]!.GetValue<string>());
        Assert.Equal(bytes.Length, downloaded.Length);
        Assert.Equal(Sha256(bytes), Sha256(downloaded));
    }

    [Fact]
    public async Task A_single_upload_whose_bytes_differ_from_the_declared_SHA_256_is_refused_by_the_store_and_nothing_is_kept()
    {
        var alice = await UserAsync("fc");
        var declared = Bytes(64 * 1024, 7);
        var initiated = await ApiClient.ExpectAsync(await InitiateAsync(alice, "a.bin", "application/octet-stream", declared.Length, Sha256(declared)), HttpStatusCode.Created);
        var fileId = initiated["file_id"]!.GetValue<string>();

        var put = await PutWholeAsync(initiated, Bytes(64 * 1024, 8));
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Null(await server.Services.GetRequiredService<IObjectStore>().InspectAsync("files/" + fileId));
        Assert.Equal(HttpStatusCode.Conflict, (await alice.PostJsonAsync("/v1/files/complete", new { file_id = fileId })).StatusCode);

        // The same URL still takes the declared bytes.
        Assert.Equal(HttpStatusCode.OK, (await PutWholeAsync(initiated, declared)).StatusCode);
        await ApiClient.ExpectAsync(await alice.PostJsonAsync("/v1/files/complete", new { file_id = fileId }), HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_multipart_upload_with_a_wrong_checksum_is_422_and_the_stored_object_is_removed()
    {
        var alice = await UserAsync("fm");
        var bytes = Bytes(9 << 20, 9);
        var response = await UploadAsync(alice, bytes, declaredSha256: Sha256(Bytes(1024, 10)));
        var problem = await ApiClient.ExpectAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.NotNull(problem["errors"]!["sha256"]);
        var fileId = await LastFileIdAsync(response);
        Assert.Null(await server.Services.GetRequiredService<IObjectStore>().InspectAsync("files/" + fileId));
        Assert.Equal(HttpStatusCode.NotFound, (await alice.Http.GetAsync($"/v1/files/{fileId}")).StatusCode);
    }

    /// <summary>The file id that a complete request named.</summary>
    private static async Task<string> LastFileIdAsync(HttpResponseMessage completeResponse) =>
        JsonNode.Parse(await completeResponse.RequestMessage!.Content!.ReadAsStringAsync())!["file_id"]!.GetValue<string>();

    [Fact]
    public async Task Bytes_that_are_not_the_declared_image_are_422_and_removed()
    {
        var alice = await UserAsync("fd");
        var bytes = "<html><script>alert(1)</script></html>"u8.ToArray();
        var response = await UploadAsync(alice, bytes, contentType: "image/png", filename: "cat.png");
        var problem = await ApiClient.ExpectAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.NotNull(problem["errors"]!["content_type"]);
        Assert.Null(await server.Services.GetRequiredService<IObjectStore>().InspectAsync("files/" + await LastFileIdAsync(response)));

        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4];
        await ApiClient.ExpectAsync(await UploadAsync(alice, png, contentType: "image/png", filename: "cat.png"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_expired_upload_url_is_refused_by_the_store_with_403()
    {
        var store = server.Services.GetRequiredService<IObjectStore>();
        var key = "files/expiry-" + Guid.NewGuid().ToString("N");
        await store.StartMultipartAsync("files/warm-" + Guid.NewGuid().ToString("N"), "text/plain"); // makes the bucket, as initiate would
        var hello = "hello"u8.ToArray();
        var upload = await store.PresignPutAsync(key, "text/plain", Sha256(hello), DateTimeOffset.UtcNow.AddSeconds(2));
        var initiated = new JsonObject { ["upload_url"] = upload.Url.ToString(), ["headers"] = new JsonObject(upload.Headers.Select(h => KeyValuePair.Create(h.Key, (JsonNode?)h.Value))) };
        async Task<HttpStatusCode> PutAsync() => (await PutWholeAsync(initiated, hello)).StatusCode;
        Assert.Equal(HttpStatusCode.OK, await PutAsync());
        Assert.Equal(HttpStatusCode.Forbidden, await Eventually.UntilAsync(PutAsync, s => s != HttpStatusCode.OK, Deadline, "the URL to expire"));
    }

    [Fact]
    public async Task Bad_declarations_are_400s_naming_the_field_and_names_are_sanitised()
    {
        var alice = await UserAsync("fe");
        async Task<JsonNode> RefusedAsync(string filename, string type, long size, string sha) =>
            await ApiClient.ExpectAsync(await InitiateAsync(alice, filename, type, size, sha), HttpStatusCode.BadRequest);
        var sha = new string('a', 64);
        Assert.NotNull((await RefusedAsync("a.bin", "application/x-msdownload", 10, sha))["errors"]!["content_type"]);
        Assert.NotNull((await RefusedAsync("a.bin", "text/plain", 6L << 30, sha))["errors"]!["size"]);
        Assert.NotNull((await RefusedAsync("a.bin", "text/plain", 0, sha))["errors"]!["size"]);
        Assert.NotNull((await RefusedAsync("a.bin", "text/plain", 10, "xyz"))["errors"]!["sha256"]);
        Assert.NotNull((await RefusedAsync("../..", "text/plain", 10, sha))["errors"]!["filename"]);

        var completed = await ApiClient.ExpectAsync(await UploadAsync(alice, "hi"u8.ToArray(), "text/plain", filename: "../../etc/pass\u0007wd"), HttpStatusCode.OK);
        Assert.Equal("passwd", completed["filename"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_file_message_reaches_the_recipient_with_its_metadata_and_only_members_may_fetch_it()
    {
        var alice = await UserAsync("fal");
        var bob = await UserAsync("fbo");
        var carol = await UserAsync("fca");
        var conversation = await alice.CreateConversationAsync("direct", bob.Username!);
        var bytes = Bytes(300 * 1024, 11);
        var fileId = (await ApiClient.ExpectAsync(await UploadAsync(alice, bytes, filename: "notes.bin"), HttpStatusCode.OK))["file_id"]!.GetValue<string>();

        // Before a message carries it, only alice may read it.
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.Http.GetAsync($"/v1/files/{fileId}")).StatusCode);
        // Someone who cannot read a file cannot send it either.
        var stolen = await carol.PostJsonAsync("/v1/messages", new { conversation_id = await carol.CreateConversationAsync("direct", bob.Username!), from = carol.Username, payload = new { type = "file", file_id = fileId } });
        Assert.Equal(HttpStatusCode.NotFound, stolen.StatusCode);

        await using var bobSocket = await ChatSocket.ConnectAsync(server.BaseAddress, bob);
        var sent = await alice.PostJsonAsync("/v1/messages", new { conversation_id = conversation, from = alice.Username, payload = new { type = "file", file_id = fileId, text = "the notes" } });
        var messageId = (await ApiClient.ExpectAsync(sent, HttpStatusCode.Accepted))["message_id"]!.GetValue<string>();

        var frame = await bobSocket.WaitForAsync(f => ChatSocket.Type(f) == "message.new" && f["message"]!["message_id"]!.GetValue<string>() == messageId, Deadline, "the file message");
        var payload = frame["message"]!["payload"]!;
        Assert.Equal("file", payload["type"]!.GetValue<string>());
        Assert.Equal(fileId, payload["file_id"]!.GetValue<string>());
        Assert.Equal("notes.bin", payload["file"]!["file_name"]!.GetValue<string>());
        Assert.Equal(bytes.Length, payload["file"]!["size"]!.GetValue<long>());
        Assert.Equal(Sha256(bytes), payload["file"]!["sha256"]!.GetValue<string>());

        Assert.Equal(Sha256(bytes), Sha256(await DownloadAsync(bob, fileId)));
        var outsider = await carol.Http.GetAsync($"/v1/files/{fileId}");
        Assert.Equal(HttpStatusCode.Forbidden, outsider.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await carol.Http.GetAsync($"/v1/files/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task A_file_message_for_a_file_still_uploading_is_409_naming_payload_file_id()
    {
        var alice = await UserAsync("fuf");
        var bob = await UserAsync("fub");
        var conversation = await alice.CreateConversationAsync("direct", bob.Username!);
        var initiated = await ApiClient.ExpectAsync(await InitiateAsync(alice, "later.txt", "text/plain", 10, new string('b', 64)), HttpStatusCode.Created);
        var fileId = initiated["file_id"]!.GetValue<string>();

        var sent = await alice.PostJsonAsync("/v1/messages", new { conversation_id = conversation, from = alice.Username, payload = new { type = "file", file_id = fileId } });
        var problem = await ApiClient.ExpectAsync(sent, HttpStatusCode.Conflict);
        Assert.Contains("uploading", problem["errors"]!["payload.file_id"]![0]!.GetValue<string>());
        // Bob may not read it: a refused message shares nothing.
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.Http.GetAsync($"/v1/files/{fileId}")).StatusCode);
    }
}
