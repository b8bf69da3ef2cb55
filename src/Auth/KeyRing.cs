using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Chat.Shared;
using Chat.Shared.Http;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Auth;

/// <summary>
/// The ES256 keys Auth signs with, one PEM file each under <c>Chat:DataDir/keys</c>. The newest
/// signs; older ones still validate until every token they signed has expired, so rotating
/// logs no one out. Key ids are RFC 7638 thumbprints. Other Auth instances sharing the
/// directory see a rotation on their next read.
/// </summary>
internal sealed class KeyRing(IOptions<ChatOptions> chat, IOptions<AuthOptions> auth, TimeProvider clock, ILogger<KeyRing> logger)
{
    private const string StampFormat = "yyyyMMddHHmmssfffffff";

    private readonly string _directory = KeyFiles.PrivateDirectory(chat.Value.PathFor("keys"));
    private readonly Lock _gate = new();
    private (DateTime Stamp, IReadOnlyList<(ECDsaSecurityKey Key, DateTime Created, string Path)> Keys)? _loaded;

    public ECDsaSecurityKey Current => Keys()[0].Key;

    /// <summary>Every key a live token may be signed with, newest first.</summary>
    public IReadOnlyList<SecurityKey> ValidationKeys => Keys().Select(k => (SecurityKey)k.Key).ToList();

    /// <summary>Makes a new signing key; keys retired long enough ago that no token of theirs is alive are deleted.</summary>
    public string Rotate()
    {
        lock (_gate)
        {
            Create();
            _loaded = null;
            var keys = Keys();
            var cutoff = clock.GetUtcNow().UtcDateTime - auth.Value.AccessTokenLifetime - TimeSpan.FromMinutes(5);
            // A key is retired when the next one is created; after that it only has to outlive its tokens.
            for (var i = 1; i < keys.Count; i++)
                if (keys[i - 1].Created < cutoff) File.Delete(keys[i].Path);
            _loaded = null;
            logger.LogWarning("Signing key rotated; {Kid} signs from now on", Current.KeyId);
            return Current.KeyId;
        }
    }

    /// <summary>The public halves as a JWKS document (RFC 7517), as <c>GET /.well-known/jwks.json</c> serves it.</summary>
    public string PublicKeySetJson() => new JsonObject
    {
        ["keys"] = new JsonArray(Keys().Select(k =>
        {
            var p = k.Key.ECDsa.ExportParameters(includePrivateParameters: false);
            return (JsonNode)new JsonObject
            {
                ["kty"] = "EC", ["crv"] = "P-256", ["use"] = "sig", ["alg"] = SecurityAlgorithms.EcdsaSha256, ["kid"] = k.Key.KeyId,
                ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
            };
        }).ToArray()),
    }.ToJsonString();

    private IReadOnlyList<(ECDsaSecurityKey Key, DateTime Created, string Path)> Keys()
    {
        lock (_gate)
        {
            var stamp = Directory.GetLastWriteTimeUtc(_directory);
            if (_loaded is { } loaded && loaded.Stamp == stamp) return loaded.Keys;
            var keys = Directory.GetFiles(_directory, "es256-*.pem").Order(StringComparer.Ordinal).Reverse().Select(Load).ToList();
            if (keys.Count == 0)
            {
                Create();
                return Keys();
            }
            _loaded = (stamp, keys);
            return keys;
        }
    }

    private void Create()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // Sortable names: the newest file is the current key.
        var path = Path.Combine(_directory, $"es256-{clock.GetUtcNow().UtcDateTime.ToString(StampFormat)}.pem");
        KeyFiles.WriteNew(path, System.Text.Encoding.ASCII.GetBytes(ecdsa.ExportECPrivateKeyPem()));
    }

    private static (ECDsaSecurityKey, DateTime, string) Load(string path)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(File.ReadAllText(path));
        var key = new ECDsaSecurityKey(ecdsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        var created = DateTime.ParseExact(Path.GetFileNameWithoutExtension(path)["es256-".Length..], StampFormat, null,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);
        return (key, created, path);
    }
}
