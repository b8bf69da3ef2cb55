using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Chat.EndToEnd.Tests;

/// <summary>
/// A client device as the Signal X3DH specification describes one (signal.org/docs/specifications/x3dh):
/// an X25519 identity key, an Ed25519 signing key, a signed prekey and one-time prekeys — private keys
/// that never leave the test. Sessions derive a shared key and encrypt with AES-256-GCM.
/// </summary>
internal sealed class X3dhDevice
{
    private static readonly SecureRandom Random = new();

    private readonly X25519PrivateKeyParameters _identity = new(Random);
    private readonly Ed25519PrivateKeyParameters _signing = new(Random);
    private readonly X25519PrivateKeyParameters _signedPrekey = new(Random);
    private readonly Dictionary<long, X25519PrivateKeyParameters> _oneTime = [];

    public X3dhDevice(string deviceId) => DeviceId = deviceId;

    public string DeviceId { get; }

    public string IdentityKey => B64(_identity.GeneratePublicKey().GetEncoded());

    public const long SignedPrekeyId = 1;

    /// <summary>The body of <c>PUT /v1/keys/devices/{device_id}</c>: the prekey signed with the signing key.</summary>
    public object Publication(byte[]? forgedSignature = null) => new
    {
        identity_key = IdentityKey,
        signing_key = B64(_signing.GeneratePublicKey().GetEncoded()),
        signed_prekey = new { key_id = SignedPrekeyId, public_key = B64(_signedPrekey.GeneratePublicKey().GetEncoded()), signature = B64(forgedSignature ?? Sign(_signedPrekey.GeneratePublicKey().GetEncoded())) },
    };

    public byte[] Sign(byte[] message)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, _signing);
        signer.BlockUpdate(message, 0, message.Length);
        return signer.GenerateSignature();
    }

    /// <summary>The body of <c>POST …/one-time-prekeys</c> with <paramref name="count"/> fresh keys from <paramref name="firstId"/> on.</summary>
    public object OneTimePrekeys(int count, long firstId = 100) => new
    {
        keys = Enumerable.Range(0, count).Select(i =>
        {
            var key = new X25519PrivateKeyParameters(Random);
            _oneTime[firstId + i] = key;
            return new { key_id = firstId + i, public_key = B64(key.GeneratePublicKey().GetEncoded()) };
        }).ToList(),
    };

    /// <summary>
    /// The initiator's side, from a bundle claimed through the API: checks the signed prekey's signature,
    /// then SK = HKDF(F ‖ DH(IKa, SPKb) ‖ DH(EKa, IKb) ‖ DH(EKa, SPKb) ‖ DH(EKa, OPKb)). The header tells the
    /// responder which keys were used.
    /// </summary>
    public (Session Session, JsonObject Header) Initiate(JsonNode bundle)
    {
        var signingKey = Bytes(bundle["signing_key"]!);
        var spk = Bytes(bundle["signed_prekey"]!["public_key"]!);
        var verifier = new Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(signingKey));
        verifier.BlockUpdate(spk, 0, spk.Length);
        if (!verifier.VerifySignature(Bytes(bundle["signed_prekey"]!["signature"]!))) throw new InvalidOperationException("The bundle's signed prekey does not verify.");
        var theirIdentity = Bytes(bundle["identity_key"]!);
        var ephemeral = new X25519PrivateKeyParameters(Random);
        var secrets = new List<byte[]> { Dh(_identity, spk), Dh(ephemeral, theirIdentity), Dh(ephemeral, spk) };
        var header = new JsonObject
        {
            ["identity_key"] = IdentityKey, ["ephemeral_key"] = B64(ephemeral.GeneratePublicKey().GetEncoded()),
            ["signed_prekey_id"] = bundle["signed_prekey"]!["key_id"]!.GetValue<long>(),
        };
        if (bundle["one_time_prekey"] is { } otk)
        {
            secrets.Add(Dh(ephemeral, Bytes(otk["public_key"]!)));
            header["one_time_prekey_id"] = otk["key_id"]!.GetValue<long>();
        }
        return (new Session(Derive(secrets), Associated(_identity.GeneratePublicKey().GetEncoded(), theirIdentity)), header);
    }

    /// <summary>The responder's side: the same four DH values from its private keys; the one-time prekey is used up.</summary>
    public Session Accept(JsonNode header)
    {
        var theirIdentity = Bytes(header["identity_key"]!);
        var ephemeral = Bytes(header["ephemeral_key"]!);
        var secrets = new List<byte[]> { Dh(_signedPrekey, theirIdentity), Dh(_identity, ephemeral), Dh(_signedPrekey, ephemeral) };
        if (header["one_time_prekey_id"] is { } id)
        {
            secrets.Add(Dh(_oneTime[id.GetValue<long>()], ephemeral));
            _oneTime.Remove(id.GetValue<long>());
        }
        return new Session(Derive(secrets), Associated(theirIdentity, _identity.GeneratePublicKey().GetEncoded()));
    }

    private static byte[] Dh(X25519PrivateKeyParameters mine, byte[] theirs)
    {
        var agreement = new X25519Agreement();
        agreement.Init(mine);
        var secret = new byte[agreement.AgreementSize];
        agreement.CalculateAgreement(new X25519PublicKeyParameters(theirs), secret, 0);
        return secret;
    }

    private static byte[] Derive(IEnumerable<byte[]> secrets) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, [.. Enumerable.Repeat((byte)0xFF, 32), .. secrets.SelectMany(s => s)], 32,
            new byte[32], Encoding.UTF8.GetBytes("Chat X3DH test"));

    /// <summary>AD = IKa ‖ IKb: binds every ciphertext to both identities.</summary>
    private static byte[] Associated(byte[] initiator, byte[] responder) => [.. initiator, .. responder];

    public static string B64(byte[] bytes) => Convert.ToBase64String(bytes);

    private static byte[] Bytes(JsonNode node) => Convert.FromBase64String(node.GetValue<string>());

    /// <summary>A shared key both ends derived: AES-256-GCM, a fresh nonce per message.</summary>
    public sealed class Session(byte[] key, byte[] associatedData)
    {
        public string Encrypt(string text)
        {
            var nonce = RandomNumberGenerator.GetBytes(12);
            var plain = Encoding.UTF8.GetBytes(text);
            var cipher = new byte[plain.Length];
            var tag = new byte[16];
            using var aes = new AesGcm(key, 16);
            aes.Encrypt(nonce, plain, cipher, tag, associatedData);
            return B64([.. nonce, .. tag, .. cipher]);
        }

        public string Decrypt(string body)
        {
            var bytes = Convert.FromBase64String(body);
            var plain = new byte[bytes.Length - 28];
            using var aes = new AesGcm(key, 16);
            aes.Decrypt(bytes.AsSpan(0, 12), bytes.AsSpan(28), bytes.AsSpan(12, 16), plain, associatedData);
            return Encoding.UTF8.GetString(plain);
        }
    }
}
