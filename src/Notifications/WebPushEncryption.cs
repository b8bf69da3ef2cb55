using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Chat.Notifications;

/// <summary>
/// Message encryption for Web Push (RFC 8291) in the aes128gcm content coding (RFC 8188): an
/// ephemeral ECDH P-256 key agreed with the subscription's <c>p256dh</c>, mixed with its
/// <c>auth</c> secret by HKDF into a content key and nonce, one AES-128-GCM record.
/// </summary>
public static class WebPushEncryption
{
    private const int RecordSize = 4096;

    /// <param name="subscriberKey">The browser's public key: an uncompressed P-256 point (65 bytes).</param>
    /// <param name="authSecret">The subscription's 16-byte authentication secret.</param>
    public static byte[] Encrypt(ReadOnlySpan<byte> plaintext, byte[] subscriberKey, byte[] authSecret)
    {
        if (subscriberKey is not [0x04, ..] || subscriberKey.Length != 65) throw new ArgumentException("Expected an uncompressed P-256 point.", nameof(subscriberKey));
        if (plaintext.Length > RecordSize - 17) throw new ArgumentException("A push payload fits one record.", nameof(plaintext));
        using var subscriber = ECDiffieHellman.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = subscriberKey[1..33], Y = subscriberKey[33..] },
        });
        using var ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var q = ephemeral.ExportParameters(false).Q;
        byte[] serverKey = [0x04, .. q.X!, .. q.Y!];
        var sharedSecret = ephemeral.DeriveRawSecretAgreement(subscriber.PublicKey);

        // RFC 8291, section 3.4: IKM = HKDF(salt = auth, ikm = ECDH secret, info = "WebPush: info\0" || ua_public || as_public, 32).
        byte[] keyInfo = [.. Encoding.ASCII.GetBytes("WebPush: info\0"), .. subscriberKey, .. serverKey];
        var ikm = HKDF.DeriveKey(HashAlgorithmName.SHA256, sharedSecret, 32, authSecret, keyInfo);
        var salt = RandomNumberGenerator.GetBytes(16);
        var contentKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 16, salt, Encoding.ASCII.GetBytes("Content-Encoding: aes128gcm\0"));
        var nonce = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 12, salt, Encoding.ASCII.GetBytes("Content-Encoding: nonce\0"));

        // The last (only) record ends with the delimiter 0x02, then no padding.
        byte[] padded = [.. plaintext, 0x02];
        var body = new byte[16 + 4 + 1 + serverKey.Length + padded.Length + 16];
        salt.CopyTo(body, 0);
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(16), RecordSize);
        body[20] = (byte)serverKey.Length;
        serverKey.CopyTo(body, 21);
        var cipher = body.AsSpan(21 + serverKey.Length, padded.Length);
        using var aes = new AesGcm(contentKey, 16);
        aes.Encrypt(nonce, padded, cipher, body.AsSpan(body.Length - 16));
        return body;
    }
}
