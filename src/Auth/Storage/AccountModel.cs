using System.Text.Json.Serialization;

namespace Chat.Auth;

/// <param name="StatusText">A line the user shows others ("on holiday"); null when none.</param>
/// <param name="AvatarFileId">A completed image file of the user's, shown as their picture.</param>
/// <param name="DeletedAt">
/// When the account was deleted: it signs in no more, is no one to the other services, and its name
/// stays taken (its old messages remain, attributed to "deleted user").
/// </param>
/// <param name="MustChangePassword">The password is a temporary one an admin set: a sign-in must replace it.</param>
public sealed record User(string Username, string DisplayName, string PasswordHash, DateTimeOffset CreatedAt,
    string? StatusText = null, string? AvatarFileId = null, DateTimeOffset? DeletedAt = null, bool MustChangePassword = false)
{
    public bool IsDeleted => DeletedAt is not null;
}

/// <summary>
/// A sign-in: one refresh-token family (its id is the <c>sid</c> of the access tokens issued in it),
/// until it is ended or its last refresh token expires. It keeps the ids of the access tokens issued
/// in it that may still be alive, so ending it can deny-list them at once.
/// </summary>
public sealed record Session(string SessionId, string Username, string? UserAgent, string? Address, DateTimeOffset CreatedAt,
    DateTimeOffset LastUsedAt, DateTimeOffset ExpiresAt, IReadOnlyList<SessionAccessToken> AccessTokens);

public sealed record SessionAccessToken(string TokenId, DateTimeOffset ExpiresAt);

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
[JsonSerializable(typeof(Session))]
[JsonSerializable(typeof(IReadOnlyList<SessionAccessToken>))]
internal sealed partial class AccountStorageJson : JsonSerializerContext;
