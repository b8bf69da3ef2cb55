
namespace Chat.Auth;

/// <summary>
/// The refresh_token grant (docs/api.md): a token works once; its successor continues the family.
/// Presenting a used token means it was stolen or replayed, so the whole family is revoked and
/// the event logged as a security event.
/// </summary>
internal sealed class RefreshTokens(IAccountStore metadata, TokenIssuer issuer, Sessions sessions, TimeProvider clock, ILogger<RefreshTokens> logger)
{
    public async Task<IssuedTokens?> RedeemAsync(string presented, string? address, CancellationToken ct)
    {
        var token = await metadata.FindRefreshTokenAsync(TokenIssuer.Hash(presented), ct);
        if (token is null || token.ExpiresAt <= clock.GetUtcNow() || await metadata.IsTokenFamilyRevokedAsync(token.FamilyId, ct)) return null;
        if (token.Used || !await metadata.UseRefreshTokenAsync(token.TokenHash, ct))
        {
            await EndFamilyAsync(token, ct);
            logger.LogWarning(new EventId(4001, "RefreshTokenReuse"),
                "SECURITY: refresh token reuse for {Subject} from {Address}; token family {Family} revoked", token.Subject, address, token.FamilyId);
            return null;
        }
        return await issuer.RotateAsync(token.Subject, token.FamilyId, ct);
    }

    /// <summary>Logout: the token's session and family die, whichever of its tokens is presented.</summary>
    public async Task<bool> RevokeAsync(string presented, CancellationToken ct)
    {
        var token = await metadata.FindRefreshTokenAsync(TokenIssuer.Hash(presented), ct);
        if (token is null) return false;
        await EndFamilyAsync(token, ct);
        return true;
    }

    /// <summary>Its session ends (its live access tokens denied too); a family from before sessions were kept is revoked alone.</summary>
    private async Task EndFamilyAsync(RefreshToken token, CancellationToken ct)
    {
        if (!await sessions.EndAsync(token.Subject, token.FamilyId, ct)) await metadata.RevokeTokenFamilyAsync(token.FamilyId, ct);
    }
}
