using Chat.Shared.Http;

namespace Chat.Auth;

/// <summary>
/// What other services may ask of the accounts Auth owns: whether users exist (the Frontend for a
/// conversation's members, Presence for a lookup).
/// </summary>
public interface IUserDirectory
{
    /// <summary>Which of <paramref name="usernames"/> are registered.</summary>
    Task<IReadOnlySet<string>> ExistingUsersAsync(IEnumerable<string> usernames, CancellationToken cancellationToken = default);
}

/// <summary>Users, refresh tokens and integrator clients: SQLite (<c>auth.db</c>) embedded, etcd distributed.</summary>
public interface IAccountStore : IUserDirectory
{
    /// <summary>Creates the user unless the name (case-insensitive) is taken; of racing creators exactly one wins.</summary>
    Task<bool> TryCreateUserAsync(User user, CancellationToken cancellationToken = default);

    Task<User?> FindUserAsync(string username, CancellationToken cancellationToken = default);

    Task StoreRefreshTokenAsync(RefreshToken token, CancellationToken cancellationToken = default);

    Task<RefreshToken?> FindRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken = default);

    /// <summary>Marks an unused token used; of racing callers exactly one gets true.</summary>
    Task<bool> UseRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken = default);

    Task RevokeTokenFamilyAsync(string familyId, CancellationToken cancellationToken = default);

    Task<bool> IsTokenFamilyRevokedAsync(string familyId, CancellationToken cancellationToken = default);

    /// <summary>Records an access token revoked by logout (again: no change), for <see cref="ReadRevokedTokensAfterAsync"/> until it expires.</summary>
    Task RevokeAccessTokenAsync(RevokedToken token, CancellationToken cancellationToken = default);

    /// <summary>Unexpired revocations recorded after <paramref name="cursor"/> (0: all), and the cursor that follows them.</summary>
    Task<RevocationPage> ReadRevokedTokensAfterAsync(long cursor, CancellationToken cancellationToken = default);

    /// <summary>Creates the client unless its id is taken.</summary>
    Task<bool> TryCreateClientAsync(IntegratorClient client, CancellationToken cancellationToken = default);

    Task<IntegratorClient?> FindClientAsync(string clientId, CancellationToken cancellationToken = default);
}
