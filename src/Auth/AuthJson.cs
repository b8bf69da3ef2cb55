using System.Text.Json.Serialization;

namespace Chat.Auth;

public sealed record RegisterRequest(string? Username, string? Password, string? DisplayName);

public sealed record UserResponse(string Username, string DisplayName, DateTimeOffset CreatedAt);

public sealed record TokenRequest(string? GrantType, string? Username, string? Password, string? RefreshToken, string? ClientId, string? ClientSecret);

public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RegisterRequest))]
[JsonSerializable(typeof(UserResponse))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(TokenResponse))]
internal sealed partial class AuthJsonContext : JsonSerializerContext;
