using Chat.Shared.Http;
using Chat.Storage.Sqlite;

namespace Chat.Auth.Storage;

/// <summary>Accounts in <c>auth.db</c> (their tables lived in <c>metadata.db</c> before).</summary>
internal sealed partial class SqliteAccountStore(string path, string legacyMetadataPath, TimeProvider clock) : IAccountStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS users (
            username      TEXT PRIMARY KEY COLLATE NOCASE,
            display_name  TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at    TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS refresh_tokens (
            token_hash TEXT PRIMARY KEY,
            family_id  TEXT NOT NULL,
            subject    TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used       INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS revoked_token_families (family_id TEXT PRIMARY KEY, revoked_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS clients (
            client_id   TEXT PRIMARY KEY,
            name        TEXT NOT NULL,
            secret_hash TEXT NOT NULL,
            scopes      TEXT NOT NULL,
            act_as      TEXT NOT NULL,
            created_at  TEXT NOT NULL
        );
        """;

    private readonly SqliteDatabase _db = new(path, "accounts",
        SqliteMigration.Sql(1, "users, refresh tokens, clients", Schema),
        SqliteMigration.MoveFromLegacyFile(2, legacyMetadataPath, "users", "refresh_tokens", "revoked_token_families", "clients"),
        SqliteMigration.Sql(3, "access tokens revoked by logout", """
            CREATE TABLE revoked_access_tokens (
                seq        INTEGER PRIMARY KEY AUTOINCREMENT,
                token_id   TEXT NOT NULL UNIQUE,
                expires_at INTEGER NOT NULL
            );
            """),
        SqliteMigration.Sql(4, "the session each revoked access token belonged to", "ALTER TABLE revoked_access_tokens ADD COLUMN session_id TEXT;"),
        SqliteMigration.Sql(5, "profiles, search words, sessions", PeopleSchema),
        new SqliteMigration(6, "search words of the users registered before", IndexExistingUsers));

    /// <summary>At most this many revocations in one read; the next read continues from the cursor.</summary>
    private const int RevocationPage = 1000;

    public Task<bool> TryCreateUserAsync(User user, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            // The primary key decides the race: of concurrent inserts of one name, one changes a row.
            using var insert = connection.Command(
                "INSERT INTO users (username, display_name, password_hash, created_at) VALUES ($u, $d, $p, $c) ON CONFLICT DO NOTHING",
                tx, ("$u", user.Username), ("$d", user.DisplayName), ("$p", user.PasswordHash), ("$c", user.CreatedAt.Iso()));
            if (insert.ExecuteNonQuery() != 1) return false;
            IndexWords(connection, tx, user);
            return true;
        }, cancellationToken);

    public Task<User?> FindUserAsync(string username, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection
            .Command($"SELECT {UserColumns} FROM users WHERE username = $u", null, ("$u", username))
            .Query(ReadUser)
            .FirstOrDefault()));

    public Task<IReadOnlySet<string>> ExistingUsersAsync(IEnumerable<string> usernames, CancellationToken cancellationToken = default) =>
        UsersWhereAsync("deleted_at IS NULL", usernames);

    public Task<IReadOnlySet<string>> DeletedUsersAsync(IEnumerable<string> usernames, CancellationToken cancellationToken = default) =>
        UsersWhereAsync("deleted_at IS NOT NULL", usernames);

    private Task<IReadOnlySet<string>> UsersWhereAsync(string condition, IEnumerable<string> usernames)
    {
        var names = usernames.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (names.Count == 0) return Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());
        return Task.FromResult<IReadOnlySet<string>>(_db.Read(connection =>
        {
            var command = connection.Command($"SELECT username FROM users WHERE {condition} AND username IN ({string.Join(",", names.Select((_, i) => "$n" + i))})");
            for (var i = 0; i < names.Count; i++) command.Parameters.AddWithValue("$n" + i, names[i]);
            return command.Query(r => r.GetString(0)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        }));
    }

    public Task StoreRefreshTokenAsync(RefreshToken token, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var insert = connection.Command(
                "INSERT INTO refresh_tokens (token_hash, family_id, subject, created_at, expires_at, used) VALUES ($h, $f, $s, $c, $e, $u)", tx,
                ("$h", token.TokenHash), ("$f", token.FamilyId), ("$s", token.Subject), ("$c", token.CreatedAt.Iso()), ("$e", token.ExpiresAt.Iso()), ("$u", token.Used ? 1 : 0));
            return insert.ExecuteNonQuery();
        }, cancellationToken);

    public Task<RefreshToken?> FindRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection
            .Command("SELECT token_hash, family_id, subject, created_at, expires_at, used FROM refresh_tokens WHERE token_hash = $h", null, ("$h", tokenHash))
            .Query(r => new RefreshToken(r.GetString(0), r.GetString(1), r.GetString(2), r.Time(3), r.Time(4), r.GetInt64(5) == 1))
            .FirstOrDefault()));

    public Task<bool> UseRefreshTokenAsync(string tokenHash, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var update = connection.Command("UPDATE refresh_tokens SET used = 1 WHERE token_hash = $h AND used = 0", tx, ("$h", tokenHash));
            return update.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task RevokeTokenFamilyAsync(string familyId, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var insert = connection.Command("INSERT INTO revoked_token_families VALUES ($f, $at) ON CONFLICT DO NOTHING", tx,
                ("$f", familyId), ("$at", clock.GetUtcNow().Iso()));
            return insert.ExecuteNonQuery();
        }, cancellationToken);

    public Task<bool> IsTokenFamilyRevokedAsync(string familyId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection
            .Command("SELECT 1 FROM revoked_token_families WHERE family_id = $f", null, ("$f", familyId)).Query(_ => true).Any()));

    public Task RevokeAccessTokenAsync(RevokedToken token, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            // Rows are kept an hour past expiry (a reader that was away that long starts over from 0 anyway).
            using var prune = connection.Command("DELETE FROM revoked_access_tokens WHERE expires_at < $old", tx,
                ("$old", clock.GetUtcNow().AddHours(-1).ToUnixTimeSeconds()));
            prune.ExecuteNonQuery();
            using var insert = connection.Command("INSERT INTO revoked_access_tokens (token_id, expires_at, session_id) VALUES ($id, $e, $s) ON CONFLICT DO NOTHING", tx,
                ("$id", token.TokenId), ("$e", token.ExpiresAt.ToUnixTimeSeconds()), ("$s", token.SessionId));
            return insert.ExecuteNonQuery();
        }, cancellationToken);

    /// <summary>One writer at a time numbers the rows, so a row with a lower <c>seq</c> never commits after a higher one is read.</summary>
    public Task<RevocationPage> ReadRevokedTokensAfterAsync(long cursor, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection =>
        {
            var rows = connection.Command(
                    $"SELECT seq, token_id, expires_at, session_id FROM revoked_access_tokens WHERE seq > $after ORDER BY seq LIMIT {RevocationPage}", null, ("$after", cursor))
                .Query(r => (Seq: r.GetInt64(0), Token: new RevokedToken(r.GetString(1), DateTimeOffset.FromUnixTimeSeconds(r.GetInt64(2)), r.IsDBNull(3) ? null : r.GetString(3)))).ToList();
            var now = clock.GetUtcNow();
            return new RevocationPage(rows.Count == 0 ? cursor : rows[^1].Seq, rows.Where(r => r.Token.ExpiresAt > now).Select(r => r.Token).ToList());
        }));

    public Task<bool> TryCreateClientAsync(IntegratorClient client, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var insert = connection.Command(
                "INSERT INTO clients VALUES ($id, $n, $s, $scopes, $act, $at) ON CONFLICT DO NOTHING", tx,
                ("$id", client.ClientId), ("$n", client.Name), ("$s", client.SecretHash), ("$scopes", string.Join(' ', client.Scopes)),
                ("$act", string.Join(' ', client.ActAs)), ("$at", client.CreatedAt.Iso()));
            return insert.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task<IntegratorClient?> FindClientAsync(string clientId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection
            .Command("SELECT client_id, name, secret_hash, scopes, act_as, created_at FROM clients WHERE client_id = $id", null, ("$id", clientId))
            .Query(r => new IntegratorClient(r.GetString(0), r.GetString(1), r.GetString(2),
                r.GetString(3).Split(' ', StringSplitOptions.RemoveEmptyEntries), r.GetString(4).Split(' ', StringSplitOptions.RemoveEmptyEntries), r.Time(5)))
            .FirstOrDefault()));
}
