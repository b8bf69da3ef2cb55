using System.Text.RegularExpressions;
using Chat.Shared.Http;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Chat.Keys;

/// <summary>
/// What published keys must look like (docs/api.md, "End-to-end encryption keys"): X25519 and Ed25519
/// public keys of 32 bytes, base64; the signed prekey carries the device's Ed25519 signature (64 bytes)
/// over its 32 public-key bytes, which the server verifies, so a directory entry cannot be swapped
/// for a key the device never signed.
/// </summary>
internal static partial class KeyRules
{
    public const int KeyLength = 32;
    public const int SignatureLength = 64;

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex DeviceIdPattern();

    public static ValidationErrors CheckDeviceId(string deviceId, ValidationErrors errors)
    {
        if (!DeviceIdPattern().IsMatch(deviceId)) errors.Add("device_id", "Must be 1 to 128 letters, digits, '.', '_' or '-'.");
        return errors;
    }

    public static ValidationErrors CheckDevice(string deviceId, PutDeviceKeysRequest body)
    {
        var errors = CheckDeviceId(deviceId, new ValidationErrors());
        Key(body.IdentityKey, "identity_key", errors);
        var signingKey = Key(body.SigningKey, "signing_key", errors);
        if (body.SignedPrekey is not { } prekey)
        {
            errors.Add("signed_prekey", "Is required: {\"key_id\",\"public_key\",\"signature\"}.");
            return errors;
        }
        if (prekey.KeyId is not >= 0) errors.Add("signed_prekey.key_id", "Is required: a whole number of 0 or more.");
        var publicKey = Key(prekey.PublicKey, "signed_prekey.public_key", errors);
        var signature = Bytes(prekey.Signature, SignatureLength, "signed_prekey.signature", "an Ed25519 signature", errors);
        if (signingKey is not null && publicKey is not null && signature is not null
            && !Verifies(signingKey, publicKey, signature))
            errors.Add("signed_prekey.signature", "Does not verify: it must be signing_key's Ed25519 signature over the 32 bytes of signed_prekey.public_key.");
        return errors;
    }

    public static ValidationErrors CheckPrekeys(string deviceId, OneTimePrekeysRequest body, int max)
    {
        var errors = CheckDeviceId(deviceId, new ValidationErrors());
        if (body.Keys is not { Count: > 0 } keys)
            return errors.Add("keys", $"Is required: 1 to {max} {{\"key_id\",\"public_key\"}}.");
        if (keys.Count > max) return errors.Add("keys", $"Must hold at most {max} keys an upload.");
        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i] is not { } key)
            {
                errors.Add($"keys[{i}]", "Must be {\"key_id\",\"public_key\"}.");
                continue;
            }
            if (key.KeyId is not >= 0) errors.Add($"keys[{i}].key_id", "Is required: a whole number of 0 or more.");
            Key(key.PublicKey, $"keys[{i}].public_key", errors);
        }
        if (keys.OfType<OneTimePrekeyBody>().GroupBy(k => k.KeyId).Any(g => g.Key is not null && g.Count() > 1))
            errors.Add("keys", "Each key_id may appear once.");
        return errors;
    }

    /// <summary>Ed25519 (RFC 8032) through BouncyCastle: .NET has none built in.</summary>
    private static bool Verifies(byte[] signingKey, byte[] message, byte[] signature)
    {
        try
        {
            var verifier = new Ed25519Signer();
            verifier.Init(false, new Ed25519PublicKeyParameters(signingKey));
            verifier.BlockUpdate(message, 0, message.Length);
            return verifier.VerifySignature(signature);
        }
        catch (ArgumentException)
        {
            return false; // not a point on the curve
        }
    }

    private static byte[]? Key(string? value, string field, ValidationErrors errors) => Bytes(value, KeyLength, field, "a 32-byte public key", errors);

    private static byte[]? Bytes(string? value, int length, string field, string what, ValidationErrors errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(field, $"Is required: {what}, base64.");
            return null;
        }
        var bytes = new byte[length + 3];
        if (!Convert.TryFromBase64String(value, bytes, out var written) || written != length)
        {
            errors.Add(field, $"Must be {what}: {length} bytes, base64.");
            return null;
        }
        return bytes[..length];
    }
}
