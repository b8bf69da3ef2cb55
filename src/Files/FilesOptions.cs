using System.ComponentModel.DataAnnotations;
using Chat.Shared.Configuration;

namespace Chat.Files;

/// <summary>Section <c>Files</c>: what may be uploaded and how long URLs live.</summary>
public sealed class FilesOptions
{
    public const string Section = "Files";

    /// <summary>The largest file accepted (default 5 GiB: S3's limit for one part is that, and 10,000 parts of <see cref="PartSize"/> go far above).</summary>
    [AtLeast(1)]
    public long MaxSize { get; set; } = 5L << 30;

    /// <summary>Files above this size are uploaded in parts (S3 accepts parts of 5 MiB and more).</summary>
    [Range(0, 5L << 30, ErrorMessage = "expected at most 5368709120 bytes (5 GiB, S3's largest single PUT).")]
    public long MultipartThreshold { get; set; } = 64L << 20;

    [AtLeast(5L << 20, ErrorMessage = "expected at least 5242880 bytes (5 MiB, S3's smallest part).")]
    public long PartSize { get; set; } = 16L << 20;

    /// <summary>Media types a client may declare (parameters such as <c>charset</c> are ignored).</summary>
    public List<string> AllowedContentTypes { get; set; } =
    [
        "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain", "text/csv", "application/json",
        "application/zip", "application/octet-stream", "audio/mpeg", "audio/ogg", "video/mp4", "video/webm",
    ];

    [Positive]
    public TimeSpan UploadUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    [Positive]
    public TimeSpan DownloadUrlLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Embedded mode: the address clients reach this service at, for the URLs it signs (unset: the request's own).</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Embedded mode: base64 HMAC key for the URLs it signs (unset: a key kept under <c>Chat:DataDir/keys</c>).</summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// ClamAV's clamd as <c>host:port</c>, which <c>POST /v1/files/complete</c> streams every upload
    /// through (unset: nothing is scanned, recorded as <c>scan: "skipped"</c>). Its
    /// <c>StreamMaxLength</c>, <c>MaxFileSize</c> and <c>MaxScanSize</c> must be at least
    /// <see cref="MaxSize"/> (or <c>AlertExceedsMax yes</c>): a stream it cuts short is never clean.
    /// </summary>
    public string? ClamdAddress { get; set; }

    /// <summary>When clamd cannot be reached: true answers <c>503</c> (complete again later); false completes with <c>scan: "skipped"</c>.</summary>
    public bool ScanRequired { get; set; } = true;

    [Positive]
    public TimeSpan ClamdConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The <c>Retry-After</c> of a <c>503</c> while clamd cannot be reached.</summary>
    [Positive]
    public TimeSpan ScanRetryAfter { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Section <c>ObjectStore</c>: <c>Kind</c> <c>local</c> (embedded) or <c>s3</c>.</summary>
public sealed class ObjectStoreOptions
{
    public const string Section = "ObjectStore";

    [AllowedValues("local", "s3", ErrorMessage = "expected local or s3.")]
    public string Kind { get; set; } = "local";

    /// <summary>The S3 endpoint this service talks to, e.g. <c>http://minio:9000</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The endpoint clients reach for presigned URLs, when it differs from <see cref="Endpoint"/> (a proxy, a public name).</summary>
    public string? PublicEndpoint { get; set; }

    public string? AccessKey { get; set; }
    public string? SecretKey { get; set; }

    [Required(ErrorMessage = "expected a bucket name, like chat-files.")]
    public string Bucket { get; set; } = "chat-files";

    [Required(ErrorMessage = "expected a region, like us-east-1.")]
    public string Region { get; set; } = "us-east-1";
}
