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

/// <summary>Who a user is on an external platform (their Telegram chat id, WhatsApp number, …).</summary>
public sealed record ChannelMapping(string Username, string Channel, string ExternalId, DateTimeOffset UpdatedAt);

/// <summary>How accounts are stored as JSON in etcd (snake_case: the layout the first release wrote).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(User))]
[JsonSerializable(typeof(RefreshToken))]
[JsonSerializable(typeof(IntegratorClient))]
[JsonSerializable(typeof(ChannelMapping))]
internal sealed partial class AccountStorageJson : JsonSerializerContext;
