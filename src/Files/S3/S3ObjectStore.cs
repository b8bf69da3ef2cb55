using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Chat.Files.S3;

/// <summary>
/// Any S3-compatible server (MinIO, Ceph RGW, AWS) through AWSSDK.S3: path-style addressing, SigV4,
/// and checksums only where S3 requires them (servers that predate S3's additional checksums
/// refuse the SDK's default trailers). The Minio SDK has no public API to presign one part of a
/// multipart upload, so this one adapter uses the AWS SDK for everything.
/// </summary>
internal sealed class S3ObjectStore : IObjectStore, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly AmazonS3Client _signer;
    private readonly Protocol _publicProtocol;
    private readonly string _bucket;
    private readonly S3UploadSigner _uploads;
    private volatile bool _bucketReady;

    public S3ObjectStore(ObjectStoreOptions options)
    {
        var endpoint = options.Endpoint ?? throw new InvalidOperationException("ObjectStore:Kind is 's3' but ObjectStore:Endpoint is not set (e.g. http://minio:9000).");
        if (options.AccessKey is null || options.SecretKey is null)
            throw new InvalidOperationException("ObjectStore:Kind is 's3' but ObjectStore:AccessKey or ObjectStore:SecretKey is not set.");
        var credentials = new BasicAWSCredentials(options.AccessKey, options.SecretKey);
        _client = new AmazonS3Client(credentials, Config(endpoint, options.Region));
        var publicEndpoint = options.PublicEndpoint ?? endpoint;
        // A presigned URL signs the host it names: clients that reach the store by another name need URLs signed for that name.
        _signer = publicEndpoint == endpoint ? _client : new AmazonS3Client(credentials, Config(publicEndpoint, options.Region));
        _publicProtocol = publicEndpoint.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? Protocol.HTTPS : Protocol.HTTP;
        _bucket = options.Bucket;
        _uploads = new S3UploadSigner(new Uri(publicEndpoint), _bucket, options.AccessKey, options.SecretKey, options.Region);
    }

    private static AmazonS3Config Config(string endpoint, string region) => new()
    {
        ServiceURL = endpoint,
        ForcePathStyle = true,
        AuthenticationRegion = region,
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    };

    public async Task<PresignedUpload> PresignPutAsync(string key, string contentType, string sha256, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        await EnsureBucketAsync(cancellationToken);
        return new PresignedUpload(_uploads.PresignPut(key, contentType, sha256, DateTimeOffset.UtcNow, expiresAt),
            new Dictionary<string, string> { ["content-type"] = contentType, [S3UploadSigner.ContentSha256] = sha256 });
    }

    public async Task<string> StartMultipartAsync(string key, string contentType, CancellationToken cancellationToken = default)
    {
        await EnsureBucketAsync(cancellationToken);
        var started = await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = key, ContentType = contentType }, cancellationToken);
        return started.UploadId;
    }

    public Task<Uri> PresignPartAsync(string key, string uploadId, int partNumber, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) =>
        PresignAsync(new GetPreSignedUrlRequest { Key = key, Verb = HttpVerb.PUT, UploadId = uploadId, PartNumber = partNumber }, expiresAt);

    public async Task CompleteMultipartAsync(string key, string uploadId, IReadOnlyList<UploadedPart> parts, CancellationToken cancellationToken = default)
    {
        try
        {
            await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _bucket, Key = key, UploadId = uploadId,
                PartETags = parts.Select(p => new PartETag(p.PartNumber, p.ETag)).ToList(),
            }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound)
        {
            throw new ObjectStoreException($"The store refused to join the parts: {e.ErrorCode} ({e.Message}).", e);
        }
    }

    public async Task AbortMultipartAsync(string key, string uploadId, CancellationToken cancellationToken = default)
    {
        try
        {
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _bucket, Key = key, UploadId = uploadId }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // Already completed or aborted: nothing is left to abort.
        }
    }

    public async Task<StoredObject?> InspectAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = key }, cancellationToken);
            return await StoredObjects.ReadAsync(response.ResponseStream, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<StoredObject?> DescribeAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            var size = (await _client.GetObjectMetadataAsync(_bucket, key, cancellationToken)).ContentLength;
            if (size == 0) return new StoredObject(0, null, []);
            using var first = await _client.GetObjectAsync(new GetObjectRequest
            {
                BucketName = _bucket, Key = key, ByteRange = new ByteRange(0, Math.Min(size, StoredObjects.HeadLength) - 1),
            }, cancellationToken);
            var head = new byte[(int)Math.Min(size, StoredObjects.HeadLength)];
            await first.ResponseStream.ReadExactlyAsync(head, cancellationToken);
            return new StoredObject(size, null, head);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public Task<Uri> PresignGetAsync(string key, string fileName, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        var request = new GetPreSignedUrlRequest { Key = key, Verb = HttpVerb.GET };
        request.ResponseHeaderOverrides.ContentDisposition = ContentDisposition.Attachment(fileName);
        return PresignAsync(request, expiresAt);
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        try
        {
            // Disposing the response stream ends the response.
            return (await _client.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = key }, cancellationToken)).ResponseStream;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken cancellationToken = default) =>
        await _client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = key, InputStream = content, ContentType = contentType, AutoCloseStream = false }, cancellationToken);

    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _bucket, Key = key }, cancellationToken);

    private async Task<Uri> PresignAsync(GetPreSignedUrlRequest request, DateTimeOffset expiresAt)
    {
        request.BucketName = _bucket;
        request.Expires = expiresAt.UtcDateTime;
        request.Protocol = _publicProtocol;
        return new Uri(await _signer.GetPreSignedURLAsync(request));
    }

    /// <summary>Creates the bucket on first use, so a fresh MinIO needs no setup step.</summary>
    private async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        if (_bucketReady) return;
        try
        {
            await _client.PutBucketAsync(new PutBucketRequest { BucketName = _bucket }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
        }
        _bucketReady = true;
    }

    public void Dispose()
    {
        if (!ReferenceEquals(_signer, _client)) _signer.Dispose();
        _client.Dispose();
    }
}
