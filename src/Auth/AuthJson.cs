using System.Text.Json.Serialization;

namespace Chat.Auth;

public sealed record RegisterRequest(string? Username, string? Password, string? DisplayName);

public sealed record UserResponse(string Username, string DisplayName, DateTimeOffset CreatedAt);

/// <param name="RefreshCookie">A browser client's ask: the refresh token in the <see cref="Auth.RefreshCookie"/>, not the body.</param>
public sealed record TokenRequest(string? GrantType, string? Username, string? Password, string? RefreshToken, string? ClientId, string? ClientSecret,
    bool? RefreshCookie = null);

/// <param name="PasswordChangeRequired">True when the password is a temporary one an admin set: the token serves only <c>PUT /v1/users/me/password</c> (and logout) until it is changed.</param>
public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn, string? RefreshToken, string? Scope, bool? PasswordChangeRequired = null);

public sealed record TemporaryPasswordRequest(string? Password);

public sealed record LogoutRequest(string? RefreshToken);

public sealed record CreateClientRequest(string? Name, List<string?>? Scopes, List<string?>? ActAs);

public sealed record ClientResponse(string ClientId, string Name, IReadOnlyList<string> Scopes, IReadOnlyList<string> ActAs, DateTimeOffset CreatedAt, string? ClientSecret);

public sealed record KeyRotationResponse(string Kid);

public sealed record ChannelMappingRequest(string? ExternalId);

/// <param name="Status"><c>verified</c> (it counts) or <c>pending</c> (set by the user, not proven yet: ignored).</param>
public sealed record ChannelMappingResponse(string Username, string Channel, string ExternalId, string Status, DateTimeOffset UpdatedAt);

/// <param name="DeepLink">Telegram: the bot link that sends <c>/start &lt;code&gt;</c> (when <c>Auth:ChannelProof:TelegramBot</c> is set).</param>
public sealed record ChannelProofCodeResponse(string Code, DateTimeOffset ExpiresAt, string? DeepLink);

public sealed record ChannelMappingList(IReadOnlyList<ChannelMappingResponse> Items);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RegisterRequest))]
[JsonSerializable(typeof(UserResponse))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(TemporaryPasswordRequest))]
[JsonSerializable(typeof(LogoutRequest))]
[JsonSerializable(typeof(Chat.Shared.Http.RevocationPage))]
[JsonSerializable(typeof(CreateClientRequest))]
[JsonSerializable(typeof(ClientResponse))]
[JsonSerializable(typeof(KeyRotationResponse))]
[JsonSerializable(typeof(ChannelMappingRequest))]
[JsonSerializable(typeof(ChannelMappingResponse))]
[JsonSerializable(typeof(ChannelMappingList))]
[JsonSerializable(typeof(ChannelProofCodeResponse))]
[JsonSerializable(typeof(BlockResponse))]
[JsonSerializable(typeof(BlockList))]
[JsonSerializable(typeof(ProfileRequest))]
[JsonSerializable(typeof(ProfileResponse))]
[JsonSerializable(typeof(ProfileList))]
[JsonSerializable(typeof(PasswordChangeRequest))]
[JsonSerializable(typeof(AccountDeletionRequest))]
[JsonSerializable(typeof(SessionResponse))]
[JsonSerializable(typeof(SessionList))]
internal sealed partial class AuthJsonContext : JsonSerializerContext;
