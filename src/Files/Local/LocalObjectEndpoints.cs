using System.Security.Cryptography;
using Chat.Shared.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Chat.Files.Local;

/// <summary>
/// The URLs the local object store signs: <c>PUT</c> an object or a part, <c>GET</c> an object. No
/// bearer token; the signature is the permission, as with S3's presigned URLs, and a bad or expired
/// one is a 403 as S3 gives.
/// </summary>
internal static class LocalObjectEndpoints
{
    public static void MapLocalObjects(this IEndpointRouteBuilder app)
    {
        var objects = app.MapGroup(LocalObjectStore.RoutePrefix.TrimEnd('/')).AllowAnonymous().ExcludeFromDescription();
        objects.MapPut("/{**key}", PutAsync);
        objects.MapGet("/{**key}", Get);
    }

    private static async Task<IResult> PutAsync(string key, HttpContext http, IObjectStore store, LocalUrlSigner signer, IOptions<FilesOptions> options, CancellationToken ct)
    {
        var local = (LocalObjectStore)store;
        var q = http.Request.Query;
        int? part = int.TryParse(q["part_number"], out var n) ? n : null;
        string? uploadId = q["upload_id"];
        string? sha256 = q["sha256"];
        if (signer.Check("PUT", key, uploadId, part, null, sha256, q["expires"], q["signature"]) is { } refusal) return Refused(refusal);
        var limit = part is null ? options.Value.MaxSize : options.Value.PartSize;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit;

        try
        {
            var target = uploadId is null ? local.PathOf(key) : local.PartPath(uploadId, part ?? 0);
            if (uploadId is not null && !Directory.Exists(local.UploadDirectory(uploadId)))
                return Problems.NotFound($"No multipart upload '{uploadId}' (completed or aborted already?).", "upload_id");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var temp = target + "." + Guid.NewGuid().ToString("N") + ".part";
            try
            {
                var etag = await ReceiveAsync(http.Request.Body, temp, ct);
                if (sha256 is not null && etag != sha256)
                    return Problems.Status(StatusCodes.Status400BadRequest, "Checksum mismatch",
                        $"The body's SHA-256 is {etag}, not the {sha256} this URL was signed for: nothing was stored.", "sha256");
                File.Move(temp, target, overwrite: true);
                http.Response.Headers.ETag = $"\"{etag}\"";
                if (uploadId is not null) await File.WriteAllTextAsync(target + ".etag", etag, ct);
                return Results.Ok();
            }
            finally
            {
                File.Delete(temp); // a refused or broken upload leaves nothing behind
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, "Too large", $"At most {limit} bytes may be uploaded to this URL.");
        }
        catch (ObjectStoreException e)
        {
            return Problems.NotFound(e.Message);
        }
    }

    /// <summary>Writes the body to <paramref name="path"/>, hashing as it goes; returns the SHA-256 (the part's ETag).</summary>
    private static async Task<string> ReceiveAsync(Stream body, string path, CancellationToken ct)
    {
        await using var file = File.Create(path);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            await file.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static IResult Get(string key, HttpContext http, IObjectStore store, LocalUrlSigner signer)
    {
        var q = http.Request.Query;
        string? fileName = q["filename"];
        if (signer.Check("GET", key, null, null, fileName, null, q["expires"], q["signature"]) is { } refusal) return Refused(refusal);
        var path = ((LocalObjectStore)store).PathOf(key);
        if (!File.Exists(path)) return Problems.NotFound("The object is gone.");
        http.Response.Headers.ContentDisposition = ContentDisposition.Attachment(fileName ?? Path.GetFileName(path));
        return Results.File(path, "application/octet-stream", enableRangeProcessing: true);
    }

    private static IResult Refused(string why) => Problems.Status(StatusCodes.Status403Forbidden, "Forbidden", why);
}
