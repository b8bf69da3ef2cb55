using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Files.Tests;

/// <summary>A Host whose object store is chosen by <see cref="Settings"/>: the local one serves its own signed URLs, so the port is tested behind it.</summary>
public abstract class ObjectStoreFixture : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    protected abstract Dictionary<string, string?> Settings();

    public async Task InitializeAsync() => Server = await ChatServer.StartAsync(Settings());

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class LocalObjectStoreFixture : ObjectStoreFixture
{
    protected override Dictionary<string, string?> Settings() => [];
}

public sealed class S3ObjectStoreFixture : ObjectStoreFixture
{
    protected override Dictionary<string, string?> Settings() => TestServers.S3("chat-objects-" + Guid.NewGuid().ToString("N")[..12]);
}

/// <summary>Embedded mode: a local directory, with URLs the Files service signs and serves.</summary>
public sealed class LocalObjectStoreTests(LocalObjectStoreFixture fixture) : ObjectStoreContract(fixture.Server), IClassFixture<LocalObjectStoreFixture>;

/// <summary>Distributed mode's adapter against a real S3 server (Ceph's RADOS Gateway, started by the test command).</summary>
public sealed class S3ObjectStoreTests(S3ObjectStoreFixture fixture) : ObjectStoreContract(fixture.Server), IClassFixture<S3ObjectStoreFixture>;

/// <summary>
/// What every object store must do, method by method (the whole upload flow through the Files API is
/// EndToEnd.Tests' FilesContract).
/// </summary>
public abstract class ObjectStoreContract(ChatServer server)
{
    // Presigned URLs carry their own permission: no Authorization header may ride along.
    private static readonly HttpClient Anonymous = new() { Timeout = TimeSpan.FromMinutes(1) };

    private IObjectStore Objects => server.Services.GetRequiredService<IObjectStore>();

    private static DateTimeOffset InFiveMinutes => DateTimeOffset.UtcNow.AddMinutes(5);

    private static string NewKey() => "files/contract-" + Guid.NewGuid().ToString("N");

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Stores <paramref name="bytes"/> under <paramref name="key"/> the way a client does: one PUT to a presigned URL.</summary>
    private async Task PutAsync(string key, byte[] bytes)
    {
        var upload = await Objects.PresignPutAsync(key, "application/octet-stream", Sha256(bytes), InFiveMinutes);
        var request = new HttpRequestMessage(HttpMethod.Put, upload.Url) { Content = new ByteArrayContent(bytes) };
        foreach (var (name, value) in upload.Headers)
            if (name == "content-type") request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
            else request.Headers.TryAddWithoutValidation(name, value);
        var response = await Anonymous.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"PUT: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>PUTs one part to its presigned URL; returns the ETag that names it.</summary>
    private async Task<string> PutPartAsync(string key, string uploadId, int partNumber, byte[] bytes)
    {
        var response = await Anonymous.PutAsync(await Objects.PresignPartAsync(key, uploadId, partNumber, InFiveMinutes), new ByteArrayContent(bytes));
        Assert.True(response.IsSuccessStatusCode, $"part {partNumber}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response.Headers.ETag!.Tag;
    }

    [Fact]
    public async Task An_object_is_inspected_whole_described_by_its_head_and_deleted_once()
    {
        var key = NewKey();
        var bytes = Bytes(100_000, 1);
        await PutAsync(key, bytes);

        var inspected = await Objects.InspectAsync(key);
        Assert.NotNull(inspected);
        Assert.Equal((100_000L, Sha256(bytes)), (inspected.Size, inspected.Sha256));
        Assert.Equal(bytes[..StoredObjects.HeadLength], inspected.Head);
        var described = await Objects.DescribeAsync(key);
        Assert.NotNull(described);
        Assert.Equal((100_000L, (string?)null), (described.Size, described.Sha256));
        Assert.Equal(bytes[..StoredObjects.HeadLength], described.Head);

        await Objects.DeleteAsync(key);
        Assert.Null(await Objects.InspectAsync(key));
        Assert.Null(await Objects.DescribeAsync(key));
        await Objects.DeleteAsync(key); // nothing there any more: nothing happens
    }

    [Fact]
    public async Task An_object_shorter_than_the_head_is_described_whole()
    {
        var key = NewKey();
        await PutAsync(key, "hello"u8.ToArray());
        var described = await Objects.DescribeAsync(key);
        Assert.NotNull(described);
        Assert.Equal(5, described.Size);
        Assert.Equal("hello"u8.ToArray(), described.Head);
    }

    [Fact]
    public async Task A_download_url_answers_with_the_object_offered_under_its_file_name()
    {
        var key = NewKey();
        var bytes = Bytes(2048, 3);
        await PutAsync(key, bytes);

        var response = await Anonymous.GetAsync(await Objects.PresignGetAsync(key, "Résumé 2026.pdf", InFiveMinutes));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bytes, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("Résumé 2026.pdf", response.Content.Headers.ContentDisposition?.FileNameStar);
    }

    [Fact]
    public async Task Parts_join_only_when_every_listed_part_was_uploaded_with_that_etag()
    {
        var key = NewKey();
        var part = Bytes(64 * 1024, 4);
        var uploadId = await Objects.StartMultipartAsync(key, "application/octet-stream");
        var etag = await PutPartAsync(key, uploadId, 1, part);

        await Assert.ThrowsAsync<ObjectStoreException>(() => Objects.CompleteMultipartAsync(key, uploadId, [new UploadedPart(1, "\"" + new string('0', 32) + "\"")]));
        await Assert.ThrowsAsync<ObjectStoreException>(() => Objects.CompleteMultipartAsync(key, uploadId, [new UploadedPart(1, etag), new UploadedPart(2, etag)]));
        Assert.Null(await Objects.InspectAsync(key));

        await Objects.CompleteMultipartAsync(key, uploadId, [new UploadedPart(1, etag)]);
        var joined = await Objects.InspectAsync(key);
        Assert.Equal((part.Length, Sha256(part)), (joined!.Size, joined.Sha256));
    }

    [Fact]
    public async Task An_aborted_multipart_upload_cannot_be_completed_and_aborting_it_again_is_harmless()
    {
        var key = NewKey();
        var uploadId = await Objects.StartMultipartAsync(key, "application/octet-stream");
        var etag = await PutPartAsync(key, uploadId, 1, Bytes(1024, 5));

        await Objects.AbortMultipartAsync(key, uploadId);
        // How it fails is the store's own: AWS answers 404 NoSuchUpload, Ceph RGW 500 ("completion already in progress").
        await Assert.ThrowsAnyAsync<Exception>(() => Objects.CompleteMultipartAsync(key, uploadId, [new UploadedPart(1, etag)]));
        await Objects.AbortMultipartAsync(key, uploadId);
        Assert.Null(await Objects.InspectAsync(key));
    }
}
