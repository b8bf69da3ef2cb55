using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Extensions;

namespace Chat.Files.Local;

/// <summary>
/// Embedded mode's object store: a directory, with upload and download URLs that this service
/// signs and serves itself (<see cref="LocalObjectEndpoints"/>), so clients use the same presigned
/// flow as with S3. Parts of a multipart upload wait under <c>.uploads/{upload id}/</c>.
/// </summary>
internal sealed class LocalObjectStore(string root, LocalUrlSigner signer, FilesOptions options, IHttpContextAccessor http, IServer server) : IObjectStore
{
    public const string RoutePrefix = "/v1/files/objects/";

    /// <summary>The declared SHA-256 is in the signed URL; the PUT handler hashes the body as it arrives and keeps it only on a match.</summary>
    public Task<PresignedUpload> PresignPutAsync(string key, string contentType, string sha256, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        Task.FromResult(new PresignedUpload(Url("PUT", key, null, null, expiresAt, sha256: sha256), new Dictionary<string, string> { ["content-type"] = contentType }));

    public Task<string> StartMultipartAsync(string key, string contentType, CancellationToken cancellationToken = default)
    {
        var uploadId = Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(UploadDirectory(uploadId));
        return Task.FromResult(uploadId);
    }

    public Task<Uri> PresignPartAsync(string key, string uploadId, int partNumber, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        Task.FromResult(Url("PUT", key, uploadId, partNumber, expiresAt));

    public async Task CompleteMultipartAsync(string key, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken = default)
    {
        var directory = UploadDirectory(uploadId);
        if (!Directory.Exists(directory)) throw new ObjectStoreException($"No multipart upload '{uploadId}' (completed or aborted already?).");
        var previous = 0;
        foreach (var part in parts)
        {
            if (part.PartNumber <= previous) throw new ObjectStoreException("Parts must be listed in ascending part_number order.");
            previous = part.PartNumber;
            var etagFile = PartPath(uploadId, part.PartNumber) + ".etag";
            if (!File.Exists(etagFile) || await File.ReadAllTextAsync(etagFile, cancellationToken) != part.ETag.Trim('"'))
                throw new ObjectStoreException($"Part {part.PartNumber} was not uploaded, or its etag differs.");
        }
        var temp = PathOf(key) + ".joining";
        Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
        await using (var joined = File.Create(temp))
            foreach (var part in parts)
            {
                await using var source = File.OpenRead(PartPath(uploadId, part.PartNumber));
                await source.CopyToAsync(joined, cancellationToken);
            }
        File.Move(temp, PathOf(key), overwrite: true);
        Directory.Delete(directory, recursive: true);
    }

    public Task AbortMultipartAsync(string key, string uploadId, CancellationToken cancellationToken = default)
    {
        if (Directory.Exists(UploadDirectory(uploadId))) Directory.Delete(UploadDirectory(uploadId), recursive: true);
        return Task.CompletedTask;
    }

    public async Task<StoredObject?> InspectAsync(string key, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(PathOf(key))) return null;
        await using var content = File.OpenRead(PathOf(key));
        return await StoredObjects.ReadAsync(content, cancellationToken);
    }

    public async Task<StoredObject?> DescribeAsync(string key, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(PathOf(key))) return null;
        await using var content = File.OpenRead(PathOf(key));
        var head = new byte[(int)Math.Min(content.Length, StoredObjects.HeadLength)];
        await content.ReadExactlyAsync(head, cancellationToken);
        return new StoredObject(content.Length, null, head);
    }

    public Task<Uri> PresignGetAsync(string key, string fileName, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        Task.FromResult(Url("GET", key, null, null, expiresAt, fileName: fileName));

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult<Stream?>(File.Exists(PathOf(key)) ? File.OpenRead(PathOf(key)) : null);

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default)
    {
        // Written beside it, then moved over it: a reader never sees half an object.
        var temp = PathOf(key) + ".replacing";
        Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
        await using (var file = File.Create(temp)) await content.CopyToAsync(file, cancellationToken);
        File.Move(temp, PathOf(key), overwrite: true);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    /// <summary>Where an object lives. Keys are this service's own (<c>files/{id}</c>); anything that could leave the root is refused.</summary>
    public string PathOf(string key)
    {
        if (key.Length == 0 || key.Split('/').Any(s => s is "" or "." or ".." || s.StartsWith('.')) || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '.'))
            throw new ObjectStoreException($"'{key}' is not an object key.");
        return Path.Combine(root, key);
    }

    public string UploadDirectory(string uploadId) =>
        uploadId.All(char.IsAsciiHexDigit) ? Path.Combine(root, ".uploads", uploadId) : throw new ObjectStoreException($"'{uploadId}' is not an upload id.");

    public string PartPath(string uploadId, int partNumber) => Path.Combine(UploadDirectory(uploadId), partNumber.ToString("D5"));

    private Uri Url(string method, string key, string? uploadId, int? partNumber, DateTimeOffset expiresAt, string? fileName = null, string? sha256 = null)
    {
        var expires = expiresAt.ToUnixTimeSeconds();
        var query = new QueryBuilder();
        if (uploadId is not null) query.Add("upload_id", uploadId);
        if (partNumber is { } part) query.Add("part_number", part.ToString());
        if (fileName is not null) query.Add("filename", fileName);
        if (sha256 is not null) query.Add("sha256", sha256);
        query.Add("expires", expires.ToString());
        query.Add("signature", signer.Sign(method, key, uploadId, partNumber, fileName, sha256, expires));
        return new Uri(BaseUrl() + RoutePrefix + key + query);
    }

    /// <summary><c>Files:PublicBaseUrl</c>; else the address the current request came to; else (a background worker) where this process listens.</summary>
    private string BaseUrl()
    {
        if (options.PublicBaseUrl is { } configured) return configured.TrimEnd('/');
        if (http.HttpContext?.Request is { } request) return $"{request.Scheme}://{request.Host}{request.PathBase}";
        var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Files:PublicBaseUrl is not set and this process listens nowhere to take the address from.");
        return listening.Replace("://0.0.0.0", "://localhost").Replace("://[::]", "://localhost").Replace("://+", "://localhost").Replace("://*", "://localhost").TrimEnd('/');
    }
}
