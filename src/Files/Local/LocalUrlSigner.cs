using System.Security.Cryptography;
using System.Text;
using Chat.Shared;

namespace Chat.Files.Local;

/// <summary>
/// Signs and checks the URLs of the local object store: HMAC-SHA256 over the method, the key, the
/// multipart upload and part (if any), the download name or the upload's SHA-256, and the expiry,
/// so a URL grants exactly one operation on one object until it expires.
/// </summary>
internal sealed class LocalUrlSigner(byte[] key, TimeProvider clock)
{
    public string Sign(string method, string objectKey, string? uploadId, int? partNumber, string? fileName, string? sha256, long expires) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{method}\n{objectKey}\n{uploadId}\n{partNumber}\n{fileName}\n{sha256}\n{expires}")));

    /// <summary>Null when the URL is good; else why it is refused.</summary>
    public string? Check(string method, string objectKey, string? uploadId, int? partNumber, string? fileName, string? sha256, string? expires, string? signature)
    {
        if (!long.TryParse(expires, out var expiresAt) || signature is null) return "The URL is not signed.";
        var expected = Sign(method, objectKey, uploadId, partNumber, fileName, sha256, expiresAt);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)))
            return "The URL's signature does not match (it was changed, or is for another method or object).";
        return clock.GetUtcNow().ToUnixTimeSeconds() > expiresAt ? "The URL has expired: ask the Files API for a new one." : null;
    }

    /// <summary><c>Files:SigningKey</c>, else a key kept in the data directory (so every process sharing it, and restarts, accept the same URLs).</summary>
    public static byte[] LoadKey(string? configured, string keyFile)
    {
        if (!string.IsNullOrEmpty(configured)) return Convert.FromBase64String(configured);
        if (File.Exists(keyFile)) return File.ReadAllBytes(keyFile);
        var fresh = RandomNumberGenerator.GetBytes(32);
        var temp = keyFile + "." + Guid.NewGuid().ToString("N");
        KeyFiles.WriteNew(temp, fresh);
        try
        {
            File.Move(temp, keyFile, overwrite: false);
        }
        catch (IOException)
        {
            File.Delete(temp); // another process made it first: use theirs
        }
        return File.ReadAllBytes(keyFile);
    }
}
