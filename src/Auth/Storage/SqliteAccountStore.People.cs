using System.Text.Json;
using Chat.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Chat.Auth.Storage;

/// <summary>Profiles, the search words and sessions (issue 24).</summary>
internal sealed partial class SqliteAccountStore
{
    private const string PeopleSchema = """
        ALTER TABLE users ADD COLUMN status_text TEXT;
        ALTER TABLE users ADD COLUMN avatar_file_id TEXT;
        ALTER TABLE users ADD COLUMN deleted_at TEXT;
        ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE user_search_words (
            word     TEXT NOT NULL,
            username TEXT NOT NULL,
            PRIMARY KEY (word, username)
        ) WITHOUT ROWID;
        CREATE TABLE sessions (
            session_id    TEXT PRIMARY KEY,
            username      TEXT NOT NULL COLLATE NOCASE,
            user_agent    TEXT,
            address       TEXT,
            created_at    TEXT NOT NULL,
            last_used_at  TEXT NOT NULL,
            expires_at    TEXT NOT NULL,
            access_tokens TEXT NOT NULL
        );
        CREATE INDEX sessions_by_user ON sessions (username, created_at);
        """;

    private const string UserColumns = "username, display_name, password_hash, created_at, status_text, avatar_file_id, deleted_at, must_change_password";

    private const string SessionColumns = "session_id, username, user_agent, address, created_at, last_used_at, expires_at, access_tokens";

    /// <summary>Above every character a word can start with after the prefix (UTF-8 compares by code point).</summary>
    private const string AfterEveryWord = "\U0010FFFF";

    private static User ReadUser(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.Time(3),
        r.StringOrNull(4), r.StringOrNull(5), r.IsDBNull(6) ? null : r.Time(6), r.GetInt64(7) == 1);

    private static Session ReadSession(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.StringOrNull(2), r.StringOrNull(3),
        r.Time(4), r.Time(5), r.Time(6), JsonSerializer.Deserialize(r.GetString(7), AccountStorageJson.Default.IReadOnlyListSessionAccessToken)!);

    /// <summary>Idempotent: words already there stay.</summary>
    private static void IndexWords(SqliteConnection connection, SqliteTransaction? tx, User user)
    {
        if (user.IsDeleted) return;
        foreach (var word in UserSearch.WordsOf(user))
        {
            using var insert = connection.Command("INSERT OR IGNORE INTO user_search_words VALUES ($w, $u)", tx, ("$w", word), ("$u", user.Username));
            insert.ExecuteNonQuery();
        }
    }

    private static void IndexExistingUsers(SqliteConnection connection)
    {
        var users = connection.Command($"SELECT {UserColumns} FROM users").Query(ReadUser).ToList();
        using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var user in users) IndexWords(connection, transaction, user);
        transaction.Commit();
    }

    public Task<User?> UpdateUserAsync(string username, Func<User, User> change, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            if (connection.Command($"SELECT {UserColumns} FROM users WHERE username = $u", tx, ("$u", username)).Query(ReadUser).FirstOrDefault() is not { } user)
                return null;
            var changed = change(user) with { Username = user.Username };
            using (var update = connection.Command("""
                       UPDATE users SET display_name = $d, password_hash = $p, status_text = $s, avatar_file_id = $a, deleted_at = $del, must_change_password = $m
                       WHERE username = $u
                       """, tx, ("$u", user.Username), ("$d", changed.DisplayName), ("$p", changed.PasswordHash), ("$s", changed.StatusText),
                       ("$a", changed.AvatarFileId), ("$del", changed.DeletedAt?.Iso()), ("$m", changed.MustChangePassword ? 1 : 0)))
                update.ExecuteNonQuery();
            using (var unindex = connection.Command("DELETE FROM user_search_words WHERE username = $u", tx, ("$u", user.Username)))
                unindex.ExecuteNonQuery();
            IndexWords(connection, tx, changed);
            return changed;
        }, cancellationToken);

    public Task<IReadOnlyList<User>> SearchUsersAsync(string prefix, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<User>>(_db.Read(connection => connection.Command($"""
                SELECT {string.Join(", ", UserColumns.Split(", ").Select(c => "u." + c))} FROM users u
                WHERE u.deleted_at IS NULL AND u.username IN (SELECT username FROM user_search_words WHERE word >= $from AND word < $to)
                ORDER BY u.username LIMIT $limit
                """, null, ("$from", prefix), ("$to", prefix + AfterEveryWord), ("$limit", limit))
            .Query(ReadUser).ToList()));

    public Task CreateSessionAsync(Session session, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var insert = connection.Command($"INSERT OR REPLACE INTO sessions ({SessionColumns}) VALUES ($id, $u, $ua, $ad, $c, $l, $e, $t)", tx,
                ("$id", session.SessionId), ("$u", session.Username), ("$ua", session.UserAgent), ("$ad", session.Address), ("$c", session.CreatedAt.Iso()),
                ("$l", session.LastUsedAt.Iso()), ("$e", session.ExpiresAt.Iso()), ("$t", TokensJson(session.AccessTokens)));
            return insert.ExecuteNonQuery();
        }, cancellationToken);

    public Task<bool> RecordSessionUseAsync(string username, string sessionId, SessionAccessToken token, DateTimeOffset at, DateTimeOffset expiresAt,
        CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            if (FindSession(connection, tx, username, sessionId) is not { } session) return false;
            var tokens = session.AccessTokens.Where(t => t.ExpiresAt > at).Append(token).ToList();
            using var update = connection.Command("UPDATE sessions SET last_used_at = $l, expires_at = $e, access_tokens = $t WHERE session_id = $id", tx,
                ("$id", sessionId), ("$l", at.Iso()), ("$e", expiresAt.Iso()), ("$t", TokensJson(tokens)));
            return update.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task<IReadOnlyList<Session>> ListSessionsAsync(string username, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Session>>(_db.Read(connection => connection
            .Command($"SELECT {SessionColumns} FROM sessions WHERE username = $u ORDER BY created_at, session_id", null, ("$u", username))
            .Query(ReadSession).ToList()));

    public Task<Session?> DeleteSessionAsync(string username, string sessionId, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            if (FindSession(connection, tx, username, sessionId) is not { } session) return null;
            using var delete = connection.Command("DELETE FROM sessions WHERE session_id = $id", tx, ("$id", sessionId));
            delete.ExecuteNonQuery();
            return session;
        }, cancellationToken);

    private static Session? FindSession(SqliteConnection connection, SqliteTransaction tx, string username, string sessionId) => connection
        .Command($"SELECT {SessionColumns} FROM sessions WHERE session_id = $id AND username = $u", tx, ("$id", sessionId), ("$u", username))
        .Query(ReadSession).FirstOrDefault();

    private static string TokensJson(IReadOnlyList<SessionAccessToken> tokens) => JsonSerializer.Serialize(tokens, AccountStorageJson.Default.IReadOnlyListSessionAccessToken);
}
