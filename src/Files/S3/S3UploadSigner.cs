using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Chat.Files.S3;

/// <summary>
/// Presigned PUT URLs (SigV4, query string) whose signature covers the payload's SHA-256: the client
/// sends the declared hash as <c>x-amz-content-sha256</c>, and S3 refuses any body that does not
/// hash to it (<c>XAmzContentSHA256Mismatch</c>) and any request without it
/// (<c>SignatureDoesNotMatch</c>). So what a single upload stores is the declared bytes or nothing,
/// checked by the store as the bytes arrive: this service never reads them. The SDK's presigner
/// always signs <c>UNSIGNED-PAYLOAD</c>, hence this.
/// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html)
/// </summary>
internal sealed class S3UploadSigner(Uri endpoint, string bucket, string accessKey, string secretKey, string region)
{
    public const string ContentSha256 = "x-amz-content-sha256";

    public Uri PresignPut(string key, string contentType, string sha256, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var scope = $"{date}/{region}/s3/aws4_request";
        var path = "/" + string.Join('/', new[] { bucket }.Concat(key.Split('/')).Select(Uri.EscapeDataString));
        if (endpoint.AbsolutePath.TrimEnd('/') is { Length: > 0 } prefix) path = prefix + path;
        var expires = (int)Math.Clamp((expiresAt - now).TotalSeconds, 1, 604_800);
        const string signedHeaders = "content-type;host;" + ContentSha256;
        var query = string.Join('&', new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["X-Amz-Algorithm"] = "AWS4-HMAC-SHA256",
            ["X-Amz-Credential"] = $"{accessKey}/{scope}",
            ["X-Amz-Date"] = amzDate,
            ["X-Amz-Expires"] = expires.ToString(CultureInfo.InvariantCulture),
            ["X-Amz-SignedHeaders"] = signedHeaders,
        }.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        var canonicalRequest = $"PUT\n{path}\n{query}\ncontent-type:{contentType}\nhost:{endpoint.Authority}\n{ContentSha256}:{sha256}\n\n{signedHeaders}\n{sha256}";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var signingKey = Hmac(Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), date), region), "s3"), "aws4_request");
        return new Uri($"{endpoint.Scheme}://{endpoint.Authority}{path}?{query}&X-Amz-Signature={Hex(Hmac(signingKey, stringToSign))}");
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
