using Chat.Shared.Http;

namespace Chat.Auth;

/// <summary>
/// What other services may ask of the accounts Auth owns: whether users exist (the Frontend for a
/// conversation's members, Presence for a lookup).
/// </summary>
public interface IUserDirectory
{
    /// <summary>Which of <paramref name="usernames"/> are registered (and not deleted since).</summary>
    Task<IReadOnlySet<string>> ExistingUsersAsync(IEnumerable<string> usernames, CancellationToken cancellationToken = default);

    /// <summary>
    /// Which of <paramref name="usernames"/> belong to deleted accounts (a case-insensitive set). A deleted name is never
    /// registered again, so a name once in this set stays in it; a name never registered is in neither set.
    /// </summary>
    Task<IReadOnlySet<string>> DeletedUsersAsync(IEnumerable<string> usernames, CancellationToken cancellationToken = default);
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

    /// <summary>
    /// Applies <paramref name="change"/> to the stored user (its name stays) and keeps the search
    /// words in step, atomically against concurrent changes; the changed user, or null when there is none.
    /// </summary>
    Task<User?> UpdateUserAsync(string username, Func<User, User> change, CancellationToken cancellationToken = default);

    /// <summary>
    /// Users not deleted with a search word (<see cref="UserSearch.WordsOf"/>) starting with
    /// <paramref name="prefix"/> (already in <see cref="UserSearch.KeyOf"/> form), by name, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<User>> SearchUsersAsync(string prefix, int limit, CancellationToken cancellationToken = default);

    /// <summary>Records a new sign-in's session.</summary>
    Task CreateSessionAsync(Session session, CancellationToken cancellationToken = default);

    /// <summary>
    /// A refresh in the session: sets its last use and expiry and adds the access token just issued
    /// (dropping those expired by <paramref name="at"/>). False when there is no such session (it was ended).
    /// </summary>
    Task<bool> RecordSessionUseAsync(string username, string sessionId, SessionAccessToken token, DateTimeOffset at, DateTimeOffset expiresAt,
        CancellationToken cancellationToken = default);

    /// <summary>The user's sessions, expired ones too, oldest first.</summary>
    Task<IReadOnlyList<Session>> ListSessionsAsync(string username, CancellationToken cancellationToken = default);

    /// <summary>Removes the session and returns it as it was (with its access tokens), or null when there was none.</summary>
    Task<Session?> DeleteSessionAsync(string username, string sessionId, CancellationToken cancellationToken = default);
}
