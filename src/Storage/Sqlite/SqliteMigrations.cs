using Microsoft.Data.Sqlite;

namespace Chat.Storage.Sqlite;

/// <summary>One step of a component's schema, applied once per file, in version order.</summary>
/// <param name="Apply">
/// Must be idempotent: it runs outside a transaction (attaching another file cannot happen inside
/// one), and a crash between applying it and recording its version applies it again.
/// </param>
public sealed record SqliteMigration(int Version, string Description, Action<SqliteConnection> Apply)
{
    /// <summary>Plain DDL (<c>CREATE … IF NOT EXISTS</c>), in one transaction.</summary>
    public static SqliteMigration Sql(int version, string description, string sql) => new(version, description, connection =>
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        SqliteDatabase.Execute(connection, sql, transaction);
        transaction.Commit();
    });

    /// <summary>A column added to a table after its first release: added to a file that lacks it.</summary>
    public static SqliteMigration AddColumn(int version, string table, string column, string definition) =>
        new(version, $"add {table}.{column}", connection =>
        {
            if (!SqliteMigrations.HasColumn(connection, "main", table, column))
                SqliteDatabase.Execute(connection, $"ALTER TABLE {table} ADD COLUMN {column} {definition}");
        });

    /// <summary>
    /// Moves tables this component now owns out of a file of the layout before each service owned
    /// its data (<c>metadata.db</c> and <c>messages.db</c> held every service's tables): rows are copied
    /// (columns both sides have; rows already here win) and the old table dropped. The two files commit
    /// separately (SQLite in WAL mode is atomic per file), so a crash between them leaves the old
    /// table in place, and the next start copies again, harmlessly.
    /// </summary>
    public static SqliteMigration MoveFromLegacyFile(int version, string legacyPath, params string[] tables) =>
        new(version, $"move {string.Join(", ", tables)} from {System.IO.Path.GetFileName(legacyPath)}", connection =>
        {
            if (!File.Exists(legacyPath) || System.IO.Path.GetFullPath(legacyPath) == System.IO.Path.GetFullPath(connection.DataSource)) return;
            using (var attach = connection.Command("ATTACH DATABASE $path AS legacy", null, ("$path", legacyPath))) attach.ExecuteNonQuery();
            try
            {
                // Read the shapes first: a command inside the transaction must name it.
                var moves = tables.Where(t => SqliteMigrations.HasTable(connection, "legacy", t))
                    .Select(t => (Table: t, Columns: string.Join(", ", SqliteMigrations.Columns(connection, "legacy", t).Intersect(SqliteMigrations.Columns(connection, "main", t)))))
                    .ToList();
                using var transaction = connection.BeginTransaction(deferred: false);
                foreach (var (table, columns) in moves)
                {
                    SqliteDatabase.Execute(connection, $"INSERT OR IGNORE INTO main.{table} ({columns}) SELECT {columns} FROM legacy.{table}", transaction);
                    SqliteDatabase.Execute(connection, $"DROP TABLE legacy.{table}", transaction);
                }
                transaction.Commit();
            }
            finally
            {
                SqliteDatabase.Execute(connection, "DETACH DATABASE legacy");
            }
        });
}

/// <summary>
/// Versioned schemas: <c>schema_migrations</c> records, per component, each version applied to
/// this file. A file written before it existed has none recorded, so every migration runs; the
/// first ones are <c>CREATE … IF NOT EXISTS</c> and leave existing tables and rows as they are.
/// </summary>
public static class SqliteMigrations
{
    public static void Run(SqliteConnection connection, string component, IReadOnlyList<SqliteMigration> migrations)
    {
        // Processes starting at once on one file (distributed mode on one data directory) take turns:
        // a step that checks before it alters (add a column) would otherwise run twice.
        using var turn = MigrationLock(connection.DataSource);
        SqliteDatabase.Execute(connection, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                component   TEXT NOT NULL,
                version     INTEGER NOT NULL,
                description TEXT NOT NULL,
                applied_at  TEXT NOT NULL,
                PRIMARY KEY (component, version)
            );
            """);
        var applied = AppliedVersions(connection, component);
        foreach (var migration in migrations.OrderBy(m => m.Version).Where(m => !applied.Contains(m.Version)))
        {
            migration.Apply(connection);
            using var record = connection.Command("INSERT OR IGNORE INTO schema_migrations VALUES ($c, $v, $d, $at)", null,
                ("$c", component), ("$v", migration.Version), ("$d", migration.Description), ("$at", DateTimeOffset.UtcNow.Iso()));
            record.ExecuteNonQuery();
        }
    }

    /// <summary>An exclusive lock on <c>{file}.migrating</c> (.NET takes it with flock on Unix), waited for up to a minute.</summary>
    private static FileStream? MigrationLock(string dataSource)
    {
        if (string.IsNullOrEmpty(dataSource) || dataSource == ":memory:") return null;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            try
            {
                return new FileStream(dataSource + ".migrating", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50); // another process is migrating this file
            }
        }
    }

    public static IReadOnlySet<int> AppliedVersions(SqliteConnection connection, string component) =>
        connection.Command("SELECT version FROM schema_migrations WHERE component = $c", null, ("$c", component))
            .Query(r => (int)r.GetInt64(0)).ToHashSet();

    internal static bool HasTable(SqliteConnection connection, string schema, string table) =>
        connection.Command($"SELECT count(*) FROM {schema}.sqlite_master WHERE type = 'table' AND name = $t", null, ("$t", table)).Query(r => r.GetInt64(0)).First() > 0;

    internal static bool HasColumn(SqliteConnection connection, string schema, string table, string column) =>
        Columns(connection, schema, table).Contains(column);

    internal static IReadOnlyList<string> Columns(SqliteConnection connection, string schema, string table) =>
        connection.Command($"SELECT name FROM pragma_table_info($t, $s)", null, ("$t", table), ("$s", schema)).Query(r => r.GetString(0)).ToList();
}
