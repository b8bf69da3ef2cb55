using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Chat.Shared;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Auth;

/// <summary>
/// The ES256 key Auth signs access tokens with, kept as PEM under <c>Chat:DataDir/keys</c> so tokens
/// outlive a restart. Its key id is the RFC 7638 thumbprint.
/// </summary>
public sealed class SigningKeys
{
    public SigningKeys(IOptions<ChatOptions> options)
    {
        var path = options.Value.PathFor(Path.Combine("keys", "signing-es256.pem"));
        var ecdsa = ECDsa.Create();
        if (File.Exists(path))
            ecdsa.ImportFromPem(File.ReadAllText(path));
        else
        {
            ecdsa.GenerateKey(ECCurve.NamedCurves.nistP256);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, ecdsa.ExportECPrivateKeyPem());
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var key = new ECDsaSecurityKey(ecdsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        Current = key;
    }

    public ECDsaSecurityKey Current { get; }

    public IEnumerable<SecurityKey> ValidationKeys => [Current];

    /// <summary>The public halves as a JWKS document (RFC 7517), as <c>GET /.well-known/jwks.json</c> serves it.</summary>
    public string PublicKeySetJson()
    {
        var p = Current.ECDsa.ExportParameters(includePrivateParameters: false);
        var key = new JsonObject
        {
            ["kty"] = "EC", ["crv"] = "P-256", ["use"] = "sig", ["alg"] = SecurityAlgorithms.EcdsaSha256, ["kid"] = Current.KeyId,
            ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
        };
        return new JsonObject { ["keys"] = new JsonArray(key) }.ToJsonString();
    }
}
