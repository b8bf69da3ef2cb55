namespace Chat.Storage.Sqlite;

internal sealed class SqliteMetadataStore(string path) : IMetadataStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS users (
            username      TEXT PRIMARY KEY COLLATE NOCASE,
            display_name  TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            created_at    TEXT NOT NULL
        );
        """;

    private readonly SqliteDatabase _db = new(path, Schema);

    public Task<bool> TryCreateUserAsync(User user, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            // The primary key decides the race: of concurrent inserts of one name, one changes a row.
            using var insert = connection.Command(
                "INSERT INTO users (username, display_name, password_hash, created_at) VALUES ($u, $d, $p, $c) ON CONFLICT DO NOTHING",
                tx, ("$u", user.Username), ("$d", user.DisplayName), ("$p", user.PasswordHash), ("$c", user.CreatedAt.Iso()));
            return insert.ExecuteNonQuery() == 1;
        }, cancellationToken);

    public Task<User?> FindUserAsync(string username, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection
            .Command("SELECT username, display_name, password_hash, created_at FROM users WHERE username = $u", null, ("$u", username))
            .Query(r => new User(r.GetString(0), r.GetString(1), r.GetString(2), r.Time(3)))
            .FirstOrDefault()));

    public Task<IReadOnlySet<string>> ExistingUsersAsync(IEnumerable<string> usernames, CancellationToken cancellationToken = default)
    {
        var names = usernames.Distinct().ToList();
        if (names.Count == 0) return Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());
        return Task.FromResult<IReadOnlySet<string>>(_db.Read(connection =>
        {
            var command = connection.Command($"SELECT username FROM users WHERE username IN ({string.Join(",", names.Select((_, i) => "$n" + i))})");
            for (var i = 0; i < names.Count; i++) command.Parameters.AddWithValue("$n" + i, names[i]);
            return command.Query(r => r.GetString(0)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        }));
    }
}
