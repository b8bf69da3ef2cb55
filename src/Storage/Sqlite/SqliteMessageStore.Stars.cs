namespace Chat.Storage.Sqlite;

// A user's starred messages (issue 17): theirs alone, the most recently starred first.
internal sealed partial class SqliteMessageStore
{
    private static readonly SqliteMigration StarsMigration = SqliteMigration.Sql(9, "starred messages", """
        CREATE TABLE IF NOT EXISTS message_stars (
            username   TEXT NOT NULL,
            message_id TEXT NOT NULL,
            starred_at TEXT NOT NULL,
            PRIMARY KEY (username, message_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_stars_newest ON message_stars (username, starred_at, message_id);
        """);

    public Task<DateTimeOffset> StarAsync(string username, string messageId, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            Execute(connection, tx, "INSERT OR IGNORE INTO message_stars VALUES ($u, $id, $at)",
                ("$u", username), ("$id", messageId), ("$at", clock.GetUtcNow().Iso()));
            return connection.Command("SELECT starred_at FROM message_stars WHERE username = $u AND message_id = $id", tx, ("$u", username), ("$id", messageId))
                .Query(r => r.Time(0)).Single();
        }, cancellationToken);

    public Task UnstarAsync(string username, string messageId, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            Execute(connection, tx, "DELETE FROM message_stars WHERE username = $u AND message_id = $id", ("$u", username), ("$id", messageId));
            return 0;
        }, cancellationToken);

    public Task<IReadOnlyList<StarredMessage>> StarredAsync(string username, StarCursor? after, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<StarredMessage>>(_db.Read(connection =>
        {
            var starred = connection.Command(
                    $"SELECT {MessageColumns}, s.starred_at FROM message_stars s JOIN messages m ON m.message_id = s.message_id " +
                    "WHERE s.username = $u AND ($at IS NULL OR s.starred_at < $at OR (s.starred_at = $at AND s.message_id < $id)) " +
                    "ORDER BY s.starred_at DESC, s.message_id DESC LIMIT $n", null,
                    ("$u", username), ("$at", after?.StarredAt.Iso()), ("$id", after?.MessageId), ("$n", limit))
                .Query(r => new StarredMessage(ReadMessage(r), r.Time(MessageColumnCount))).ToList();
            var messages = starred.Select(s => s.Message).ToList().WithReactions(connection, null);
            return starred.Zip(messages, (s, m) => s with { Message = m }).ToList();
        }));
}
