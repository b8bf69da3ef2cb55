namespace Chat.Storage.Sqlite;

// Private read mode and conversation epochs (issue 25), and the restores that renewed every epoch.
internal sealed partial class SqliteMessageStore
{
    private static readonly SqliteMigration PrivateReadsMigration = SqliteMigration.Sql(13, "users who read privately", """
        CREATE TABLE IF NOT EXISTS private_readers (username TEXT PRIMARY KEY) WITHOUT ROWID;
        """);

    // Each conversation stored so far gets its first epoch; new ones get theirs when they are created. Safe to apply
    // again (a crash between applying and recording it): the column is added once, and no epoch given changes.
    private static readonly SqliteMigration EpochsMigration = new(14, "conversation epochs", connection =>
    {
        var hasColumn = SqliteMigrations.HasColumn(connection, "main", "conversations", "epoch");
        using var transaction = connection.BeginTransaction(deferred: false);
        if (!hasColumn) SqliteDatabase.Execute(connection, "ALTER TABLE conversations ADD COLUMN epoch TEXT", transaction);
        SqliteDatabase.Execute(connection, "UPDATE conversations SET epoch = lower(hex(randomblob(8))) WHERE epoch IS NULL", transaction);
        transaction.Commit();
    });

    private static readonly SqliteMigration RestoresMigration = SqliteMigration.Sql(15, "restores that renewed every epoch", """
        CREATE TABLE IF NOT EXISTS restores (restore_id TEXT PRIMARY KEY, applied_at TEXT NOT NULL) WITHOUT ROWID;
        """);

    public Task SetPrivateReadsAsync(string username, bool on, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            Execute(connection, tx, on ? "INSERT OR IGNORE INTO private_readers VALUES ($u)" : "DELETE FROM private_readers WHERE username = $u", ("$u", username));
            return 0;
        }, cancellationToken);

    public Task<IReadOnlySet<string>> PrivateReadersAsync(IReadOnlyCollection<string> usernames, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlySet<string>>(usernames.Count == 0
            ? new HashSet<string>()
            : _db.Read(connection => connection.Command(
                    "SELECT username FROM private_readers WHERE username IN (SELECT value FROM json_each($u))", null,
                    ("$u", System.Text.Json.JsonSerializer.Serialize(usernames.ToList())))
                .Query(r => r.GetString(0)).ToHashSet()));

    public Task<string?> EpochOfAsync(string conversationId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection.Command("SELECT epoch FROM conversations WHERE conversation_id = $c", null, ("$c", conversationId))
            .Query(r => r.GetString(0)).FirstOrDefault()));

    public Task<string?> RenewEpochAsync(string conversationId, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) => connection.Command("UPDATE conversations SET epoch = $e WHERE conversation_id = $c RETURNING epoch", tx,
            ("$c", conversationId), ("$e", Epochs.New())).Query(r => r.GetString(0)).FirstOrDefault(), cancellationToken);

    // One transaction: the record and the new epochs are kept together or not at all.
    public Task<bool> RenewEpochsAfterRestoreAsync(string restoreId, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var record = connection.Command("INSERT OR IGNORE INTO restores (restore_id, applied_at) VALUES ($r, $at)", tx,
                ("$r", restoreId), ("$at", clock.GetUtcNow().Iso()));
            if (record.ExecuteNonQuery() == 0) return false;
            Execute(connection, tx, "UPDATE conversations SET epoch = lower(hex(randomblob(8)))");
            return true;
        }, cancellationToken);
}
