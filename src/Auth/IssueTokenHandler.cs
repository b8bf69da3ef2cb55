using Chat.Shared;

namespace Chat.Auth;

/// <summary>
/// The token endpoint's grants (password, refresh_token, client_credentials) for a request that has
/// the fields its grant needs. Wrong credentials are refused alike whichever part was wrong; failed
/// logins are throttled per username and per address.
/// </summary>
internal sealed class IssueTokenHandler(
    IAccountStore metadata, PasswordHasher passwords, TokenIssuer issuer, RefreshTokens refreshTokens, LoginThrottle throttle)
{
    /// <param name="client">The caller's IP address (for throttling and the security log) and user agent, which a new session keeps.</param>
    public Task<Outcome<IssuedTokens>> IssueAsync(TokenRequest body, SignInClient client, CancellationToken ct) => body.GrantType switch
    {
        "password" => PasswordAsync(body.Username!, body.Password!, client, ct),
        "refresh_token" => RefreshAsync(body.RefreshToken!, client.Address, ct),
        "client_credentials" => ClientAsync(body.ClientId!, body.ClientSecret!, ct),
        _ => throw new ArgumentException($"Grant type '{body.GrantType}' is not one the endpoint lets through.", nameof(body)),
    };

    private async Task<Outcome<IssuedTokens>> PasswordAsync(string name, string password, SignInClient client, CancellationToken ct)
    {
        var address = client.Address;
        var username = CredentialRules.Normalize(name);
        if (throttle.RetryAfter(username, address) is { } wait)
            return new Refusal.Throttled($"Too many failed logins for this username or from this address; try again in {Math.Ceiling(wait.TotalSeconds):0} s.", wait);
        var user = await metadata.FindUserAsync(username, ct);
        // A deleted account's name stays taken, but nothing signs in as it.
        if (!passwords.Verify(password, user?.PasswordHash) || user!.IsDeleted)
        {
            throttle.Failed(username, address);
            return new Refusal.BadCredentials("The username or password is wrong.", "password");
        }
        throttle.Succeeded(username);
        return await issuer.SignInAsync(user.Username, client, ct);
    }

    private async Task<Outcome<IssuedTokens>> RefreshAsync(string presented, string? address, CancellationToken ct) =>
        await refreshTokens.RedeemAsync(presented, address, ct) is { } issued
            ? issued
            : new Refusal.BadCredentials("The refresh token is not valid (expired, revoked or already used).", "refresh_token");

    private async Task<Outcome<IssuedTokens>> ClientAsync(string clientId, string secret, CancellationToken ct)
    {
        var client = await metadata.FindClientAsync(clientId, ct);
        return client is not null && TokenIssuer.Matches(secret, client.SecretHash)
            ? issuer.ForClient(client)
            : new Refusal.BadCredentials("The client id or secret is wrong.", "client_secret");
    }
}
