using System.Security.Claims;
using Chat.Shared.Http;

namespace Chat.Auth;

/// <summary>
/// Logout ends a session at once: the refresh token's family can mint no more access tokens, and
/// the access token presented with the request is revoked (every service refuses it within
/// <see cref="AuthOptions.RevocationPollInterval"/>, this one at once).
/// </summary>
internal sealed class LogoutHandler(RefreshTokens refreshTokens, IAccountStore accounts, RevokedTokens revoked)
{
    public async Task LogOutAsync(string? refreshToken, ClaimsPrincipal caller, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(refreshToken)) await refreshTokens.RevokeAsync(refreshToken, ct);
        if (AccessTokenOf(caller) is { } token)
        {
            await accounts.RevokeAccessTokenAsync(token, ct);
            revoked.Add(token);
        }
    }

    /// <summary>The validated bearer token of this request (authentication runs on anonymous endpoints too), if any.</summary>
    public static RevokedToken? AccessTokenOf(ClaimsPrincipal caller) =>
        caller.FindFirstValue("jti") is { } id && long.TryParse(caller.FindFirstValue("exp"), out var exp)
            ? new RevokedToken(id, DateTimeOffset.FromUnixTimeSeconds(exp), caller.FindFirstValue(TokenIssuer.SessionClaim))
            : null;
}

/// <summary>Revocations straight from Auth's store, where Auth runs in the process.</summary>
internal sealed class AccountRevocationFeed(IAccountStore accounts) : IRevocationFeed
{
    public Task<RevocationPage> ReadAfterAsync(long cursor, CancellationToken cancellationToken) => accounts.ReadRevokedTokensAfterAsync(cursor, cancellationToken);
}
