using System.Security.Claims;
using System.Security.Cryptography;
using Chat.Shared;
using Chat.Shared.Http;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Auth;

public sealed record IssuedTokens(string AccessToken, TimeSpan Lifetime, string? RefreshToken, string? Scope = null);

/// <summary>Access tokens (ES256 JWT, 1 hour) and rotating refresh tokens (30 days, one family per login).</summary>
internal sealed class TokenIssuer(KeyRing keys, IAccountStore metadata, IOptions<AuthOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>The session an access token belongs to: its refresh-token family, the same through every rotation.</summary>
    public const string SessionClaim = "sid";

    /// <summary>A login, or a rotation within <paramref name="familyId"/>: an access token and a new refresh token.</summary>
    public async Task<IssuedTokens> ForUserAsync(string username, string? familyId, CancellationToken ct)
    {
        familyId ??= Ids.New();
        var claims = new List<Claim> { new("sub", username), new(SessionClaim, familyId) };
        if (options.Value.Admins.Contains(username, StringComparer.OrdinalIgnoreCase)) claims.Add(new Claim("role", "admin"));
        var refresh = NewSecret("rt_");
        var now = clock.GetUtcNow();
        await metadata.StoreRefreshTokenAsync(new RefreshToken(Hash(refresh), familyId, username, now, now + options.Value.RefreshTokenLifetime, Used: false), ct);
        return new IssuedTokens(Sign(claims), options.Value.AccessTokenLifetime, refresh);
    }

    /// <summary>An integrator's access token: no refresh token (it can always ask again with its secret).</summary>
    public IssuedTokens ForClient(IntegratorClient client)
    {
        var scope = string.Join(' ', client.Scopes);
        return new IssuedTokens(Sign([
            new Claim("sub", Caller.ClientPrefix + client.ClientId), new Claim("client_id", client.ClientId),
            new Claim("scope", scope), new Claim("act_as", string.Join(' ', client.ActAs)),
        ]), options.Value.AccessTokenLifetime, null, scope);
    }

    private string Sign(IEnumerable<Claim> claims)
    {
        var auth = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            Subject = new ClaimsIdentity(claims.Append(new Claim("jti", Ids.New()))),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + auth.AccessTokenLifetime,
            SigningCredentials = new SigningCredentials(keys.Current, ChatAuthentication.Algorithm),
        });
    }

    /// <summary>32 random bytes, URL-safe, with a prefix that says what it is.</summary>
    public static string NewSecret(string prefix) => prefix + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    /// <summary>Secrets here are random and long, so a fast hash is enough to keep them unreadable at rest.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));

    public static bool Matches(string secret, string hash) =>
        CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(Hash(secret)), System.Text.Encoding.ASCII.GetBytes(hash));
}
