using System.Security.Claims;
using System.Security.Cryptography;
using Chat.Shared;
using Chat.Shared.Http;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Auth;

public sealed record IssuedTokens(string AccessToken, TimeSpan Lifetime, string? RefreshToken, string? Scope = null, bool PasswordChangeRequired = false);

/// <summary>Access tokens (ES256 JWT, 1 hour) and rotating refresh tokens (30 days, one family per login).</summary>
internal sealed class TokenIssuer(KeyRing keys, IAccountStore metadata, Sessions sessions, IOptions<AuthOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();

    /// <summary>The session an access token belongs to: its refresh-token family, the same through every rotation.</summary>
    public const string SessionClaim = "sid";

    /// <summary>A sign-in: a new session (ending the oldest beyond the limit), an access token and its first refresh token.</summary>
    public async Task<IssuedTokens> SignInAsync(string username, SignInClient client, CancellationToken ct)
    {
        var (issued, access, refreshExpires) = await IssueAsync(username, Ids.New(), ct);
        var now = clock.GetUtcNow();
        await sessions.StartAsync(new Session(access.SessionId, username, client.UserAgent, client.Address, now, now, refreshExpires, [access.Token]), ct);
        return issued;
    }

    /// <summary>A rotation within the session <paramref name="familyId"/>; null when the session was ended meanwhile.</summary>
    public async Task<IssuedTokens?> RotateAsync(string username, string familyId, CancellationToken ct)
    {
        var (issued, access, refreshExpires) = await IssueAsync(username, familyId, ct);
        var now = clock.GetUtcNow();
        if (await metadata.RecordSessionUseAsync(username, familyId, access.Token, now, refreshExpires, ct)) return issued;
        // No session: ended while this refresh ran (the family is revoked first), or a family from before sessions were kept.
        if (await metadata.IsTokenFamilyRevokedAsync(familyId, ct)) return null;
        await metadata.CreateSessionAsync(new Session(familyId, username, null, null, now, now, refreshExpires, [access.Token]), ct);
        return issued;
    }

    private async Task<(IssuedTokens Issued, (string SessionId, SessionAccessToken Token) Access, DateTimeOffset RefreshExpires)> IssueAsync(
        string username, string familyId, CancellationToken ct)
    {
        var claims = new List<Claim> { new("sub", username), new(SessionClaim, familyId) };
        if (options.Value.Admins.Contains(username, StringComparer.OrdinalIgnoreCase)) claims.Add(new Claim("role", "admin"));
        // Asked at each issue, so the first refresh after the change gives a token that serves everything.
        var mustChange = (await metadata.FindUserAsync(username, ct))?.MustChangePassword == true;
        if (mustChange) claims.Add(new Claim(ChatAuthentication.PasswordChangeClaim, "true"));
        var refresh = NewSecret("rt_");
        var now = clock.GetUtcNow();
        var refreshExpires = now + options.Value.RefreshTokenLifetime;
        await metadata.StoreRefreshTokenAsync(new RefreshToken(Hash(refresh), familyId, username, now, refreshExpires, Used: false), ct);
        var (jwt, access) = Sign(claims);
        return (new IssuedTokens(jwt, options.Value.AccessTokenLifetime, refresh, PasswordChangeRequired: mustChange), (familyId, access), refreshExpires);
    }

    /// <summary>An integrator's access token: no refresh token (it can always ask again with its secret).</summary>
    public IssuedTokens ForClient(IntegratorClient client)
    {
        var scope = string.Join(' ', client.Scopes);
        return new IssuedTokens(Sign([
            new Claim("sub", Caller.ClientPrefix + client.ClientId), new Claim("client_id", client.ClientId),
            new Claim("scope", scope), new Claim("act_as", string.Join(' ', client.ActAs)),
        ]).Token, options.Value.AccessTokenLifetime, null, scope);
    }

    /// <summary>The token, and its id and expiry (what a session keeps to deny-list it).</summary>
    private (string Token, SessionAccessToken Id) Sign(IEnumerable<Claim> claims)
    {
        var auth = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var id = new SessionAccessToken(Ids.New(), DateTimeOffset.FromUnixTimeSeconds(new DateTimeOffset(now + auth.AccessTokenLifetime).ToUnixTimeSeconds()));
        return (_handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            Subject = new ClaimsIdentity(claims.Append(new Claim("jti", id.TokenId))),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + auth.AccessTokenLifetime,
            SigningCredentials = new SigningCredentials(keys.Current, ChatAuthentication.Algorithm),
        }), id);
    }

    /// <summary>32 random bytes, URL-safe, with a prefix that says what it is.</summary>
    public static string NewSecret(string prefix) => prefix + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    /// <summary>Secrets here are random and long, so a fast hash is enough to keep them unreadable at rest.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));

    public static bool Matches(string secret, string hash) =>
        CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(Hash(secret)), System.Text.Encoding.ASCII.GetBytes(hash));
}
