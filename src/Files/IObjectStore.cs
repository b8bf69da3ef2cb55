namespace Chat.Files;

/// <summary>
/// Where file bytes live: an S3-compatible server (MinIO, Ceph RGW, AWS) or, embedded, a local
/// directory. Clients move the bytes themselves through presigned URLs; this service only signs,
/// inspects and deletes.
/// </summary>
public interface IObjectStore
{
    /// <summary>
    /// A URL that accepts one <c>PUT</c> of the whole object until <paramref name="expiresAt"/>, with the
    /// headers the client must send. The store itself refuses a body whose SHA-256 is not
    /// <paramref name="sha256"/>: what it keeps is the declared bytes or nothing, and no one has to read them back.
    /// </summary>
    Task<PresignedUpload> PresignPutAsync(string key, string contentType, string sha256, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Starts a multipart upload; returns its upload id.</summary>
    Task<string> StartMultipartAsync(string key, string contentType, CancellationToken cancellationToken = default);

    /// <summary>A URL that accepts one <c>PUT</c> of part <paramref name="partNumber"/> (from 1); its answer's ETag header names the part.</summary>
    Task<Uri> PresignPartAsync(string key, string uploadId, int partNumber, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Joins the parts into the object. Throws <see cref="ObjectStoreException"/> when a part is missing or its ETag differs.</summary>
    Task CompleteMultipartAsync(string key, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken = default);

    Task AbortMultipartAsync(string key, string uploadId, CancellationToken cancellationToken = default);

    /// <summary>Reads the stored object once: its size, SHA-256 and first bytes; null when there is none.</summary>
    Task<StoredObject?> InspectAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>The stored object's size and first bytes, without reading the rest (so no SHA-256); null when there is none.</summary>
    Task<StoredObject?> DescribeAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>A URL that answers one <c>GET</c> with the object until <paramref name="expiresAt"/>, offered for saving as <paramref name="fileName"/>.</summary>
    Task<Uri> PresignGetAsync(string key, string fileName, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>The stored object's bytes, to be read once; null when there is none.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="content"/> (seekable, from its position) as the object, replacing any there.</summary>
    Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default);

    /// <summary>Removes the object; nothing happens when there is none.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken = default);
}

public sealed record UploadedPart(int PartNumber, string ETag);

public sealed record PresignedUpload(Uri Url, IReadOnlyDictionary<string, string> Headers);

/// <param name="Head">Up to the first 16 bytes, to check what the content really is.</param>
/// <param name="Sha256">Null when the object was not read whole (<see cref="IObjectStore.DescribeAsync"/>).</param>
public sealed record StoredObject(long Size, string? Sha256, byte[] Head);

/// <summary>The store refused what was asked for a reason the client caused (a missing part, a wrong ETag).</summary>
public sealed class ObjectStoreException(string message, Exception? inner = null) : Exception(message, inner);

public static class StoredObjects
{
    public const int HeadLength = 16;

    /// <summary>Reads a stream to its end once, hashing as it goes and keeping the first bytes.</summary>
    public static async Task<StoredObject> ReadAsync(Stream content, CancellationToken cancellationToken)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        var head = new byte[HeadLength];
        int headLength = 0, read;
        long size = 0;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (headLength < head.Length)
            {
                var take = Math.Min(head.Length - headLength, read);
                buffer.AsSpan(0, take).CopyTo(head.AsSpan(headLength));
                headLength += take;
            }
            sha.AppendData(buffer, 0, read);
            size += read;
        }
        return new StoredObject(size, Convert.ToHexStringLower(sha.GetHashAndReset()), head[..headLength]);
    }
}
