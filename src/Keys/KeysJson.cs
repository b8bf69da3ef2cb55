using System.Text.Json.Serialization;
using Chat.Keys.Storage;

namespace Chat.Keys;

public sealed record SignedPrekeyBody(long? KeyId, string? PublicKey, string? Signature);
public sealed record PutDeviceKeysRequest(string? IdentityKey, string? SigningKey, SignedPrekeyBody? SignedPrekey);
public sealed record OneTimePrekeyBody(long? KeyId, string? PublicKey);
public sealed record OneTimePrekeysRequest(List<OneTimePrekeyBody?>? Keys);
public sealed record ClaimRequest(string? Username);

public sealed record PreviousSignedPrekey(long KeyId, string PublicKey, string Signature, DateTimeOffset Until);

/// <param name="PreviousSignedPrekey">The one the last rotation replaced, while its grace period lasts.</param>
public sealed record DeviceKeysResponse(
    string Username, string DeviceId, string IdentityKey, string SigningKey, SignedPrekey SignedPrekey, PreviousSignedPrekey? PreviousSignedPrekey,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record DeviceKeysList(IReadOnlyList<DeviceKeysResponse> Items);
public sealed record PrekeyCount(string DeviceId, int Remaining);

/// <param name="OneTimePrekey">Left out when the device had none left: X3DH then runs without it.</param>
public sealed record KeyBundle(string DeviceId, string IdentityKey, string SigningKey, SignedPrekey SignedPrekey, OneTimePrekey? OneTimePrekey);

public sealed record ClaimResponse(string Username, IReadOnlyList<KeyBundle> Devices);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PutDeviceKeysRequest))]
[JsonSerializable(typeof(OneTimePrekeysRequest))]
[JsonSerializable(typeof(ClaimRequest))]
[JsonSerializable(typeof(DeviceKeysResponse))]
[JsonSerializable(typeof(DeviceKeysList))]
[JsonSerializable(typeof(PrekeyCount))]
[JsonSerializable(typeof(ClaimResponse))]
internal sealed partial class KeysJsonContext : JsonSerializerContext;
