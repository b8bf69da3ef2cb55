using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Chat.Shared;
using Chat.Storage;
using Microsoft.Extensions.Options;

namespace Chat.Notifications;

/// <summary>
/// The application server's VAPID identity (RFC 8292): one ES256 key pair, generated on first use and
/// kept owner-only in the data directory (<c>vapid.key</c>, PKCS#8), so subscriptions made with its
/// public key keep working across restarts and across the processes that share the directory.
/// </summary>
public sealed class VapidKeys
{
    public const string FileName = "vapid.key";

    private readonly ECDsa _key;
    private readonly NotificationsOptions _options;

    public VapidKeys(IServiceProvider services, IOptions<NotificationsOptions> options)
    {
        _options = options.Value;
        var path = services.DataFile(FileName);
        _key = ECDsa.Create();
        if (!File.Exists(path))
        {
            using var fresh = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            try
            {
                KeyFiles.WriteNew(path, fresh.ExportPkcs8PrivateKey());
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process sharing the directory wrote it first: use theirs.
            }
        }
        _key.ImportPkcs8PrivateKey(File.ReadAllBytes(path), out _);
        var q = _key.ExportParameters(false).Q;
        PublicKey = Base64Url.EncodeToString([0x04, .. q.X!, .. q.Y!]);
    }

    /// <summary>The uncompressed P-256 point, base64url: the <c>applicationServerKey</c> a browser subscribes with.</summary>
    public string PublicKey { get; }

    /// <summary>The <c>Authorization</c> header value for a push to <paramref name="endpoint"/>: <c>vapid t=&lt;JWT&gt;, k=&lt;public key&gt;</c>.</summary>
    public string AuthorizationFor(Uri endpoint, DateTimeOffset now)
    {
        var header = Base64Url.EncodeToString("""{"typ":"JWT","alg":"ES256"}"""u8);
        var claims = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(new JsonObject
        {
            ["aud"] = endpoint.GetLeftPart(UriPartial.Authority), ["exp"] = (now + TimeSpan.FromHours(12)).ToUnixTimeSeconds(), ["sub"] = _options.VapidSubject,
        }.ToJsonString()));
        // ECDsa signs in the IEEE P1363 form (r || s) that JWS ES256 asks for.
        var signature = _key.SignData(Encoding.ASCII.GetBytes($"{header}.{claims}"), HashAlgorithmName.SHA256);
        return $"vapid t={header}.{claims}.{Base64Url.EncodeToString(signature)}, k={PublicKey}";
    }
}
