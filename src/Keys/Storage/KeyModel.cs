using System.Text.Json.Serialization;

namespace Chat.Keys.Storage;

/// <summary>A medium-term X25519 prekey, signed with the device's Ed25519 signing key (the server checked the signature).</summary>
public sealed record SignedPrekey(long KeyId, string PublicKey, string Signature);

/// <summary>A single-use X25519 prekey: handed to one claimer, then gone.</summary>
public sealed record OneTimePrekey(long KeyId, string PublicKey);

/// <summary>
/// One device's public keys (base64). The server only stores and hands them out; it never holds a
/// private key, so it cannot read what is encrypted with them.
/// </summary>
/// <param name="PreviousSignedPrekey">The signed prekey before the last rotation, kept until <paramref name="PreviousUntil"/>
/// so a session begun on it just before the rotation can still be completed.</param>
public sealed record DeviceKeys(
    string Username, string DeviceId, string IdentityKey, string SigningKey, SignedPrekey SignedPrekey,
    SignedPrekey? PreviousSignedPrekey, DateTimeOffset? PreviousUntil, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>What a claim took from one device: its one-time prekey (none when its stock was empty) and how many are left.</summary>
public sealed record PrekeyClaim(OneTimePrekey? Key, int Remaining);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeviceKeys))]
[JsonSerializable(typeof(SignedPrekey))]
internal sealed partial class KeyStorageJson : JsonSerializerContext;
