using System.Text.Json.Serialization;

namespace Chat.Auth;

public sealed record User(string Username, string DisplayName, string PasswordHash, DateTimeOffset CreatedAt);

/// <summary>A refresh token, stored by the SHA-256 of its value. Tokens of one login share a family; rotation uses one up and adds the next.</summary>
public sealed record RefreshToken(string TokenHash, string FamilyId, string Subject, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, bool Used);

/// <summary>
/// A third-party system (integrator) with its own credentials. It may do what <see cref="Scopes"/>
/// allow, on behalf of the users in <see cref="ActAs"/> ("*": any user).
/// </summary>
public sealed record IntegratorClient(string ClientId, string Name, string SecretHash, IReadOnlyList<string> Scopes, IReadOnlyList<string> ActAs, DateTimeOffset CreatedAt);

/// <summary>
/// Who a user is on an external platform (their Telegram chat id, WhatsApp number, …). Only a
/// <see cref="Verified"/> mapping counts (inbound attribution, outbound delivery), and one
/// (channel, external id) is verified for at most one user. A mapping a user sets for themselves is
/// pending until they prove it from that platform; one set by an admin or integrator is verified at once.
/// Mappings stored before proof existed read as verified (they counted then).
/// </summary>
public sealed record ChannelMapping(string Username, string Channel, string ExternalId, DateTimeOffset UpdatedAt, bool Verified = true);

/// <summary>A one-time proof code (kept as its hash) for the pending mapping of <see cref="Username"/>.</summary>
public sealed record ChannelProofCode(string Username, DateTimeOffset ExpiresAt);

/// <summary>How accounts are stored as JSON in etcd (snake_case: the layout the first release wrote).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(User))]
[JsonSerializable(typeof(RefreshToken))]
[JsonSerializable(typeof(IntegratorClient))]
[JsonSerializable(typeof(ChannelMapping))]
[JsonSerializable(typeof(ChannelProofCode))]
internal sealed partial class AccountStorageJson : JsonSerializerContext;
