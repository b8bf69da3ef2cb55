using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Chat.Storage.Sqlite;

/// <summary>
/// One SQLite file in WAL mode with <c>synchronous=FULL</c>: a committed transaction survives a
/// crash, which is what lets consumers commit offsets after it. Writers in this process take
/// turns through <see cref="WriteAsync{T}"/>, every component on the same file in one queue;
/// other processes wait on the busy timeout.
/// Opening it runs the component's migrations that the file has not seen yet
/// (<see cref="SqliteMigrations"/>), so a data directory written by an older release opens.
/// </summary>
public sealed class SqliteDatabase
{
    // One per file, not per component: components sharing a file (the acceptance journal and the message
    // store) would otherwise meet on SQLite's write lock, whose busy handler sleeps 1, 2, 5… ms and retries.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Writers = new();

    // The pool hands out the same native connection again and again; its settings stay with it, so they
    // are made once per native connection, not on every open (three statements parsed per read otherwise).
    private static readonly ConditionalWeakTable<sqlite3, object> Configured = new();
    private static readonly object Marker = new();

    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer;

    /// <param name="component">Whose tables these are (the migrations' key: several components may share a file).</param>
    public SqliteDatabase(string path, string component, params SqliteMigration[] migrations)
    {
        Path = System.IO.Path.GetFullPath(path);
        _writer = Writers.GetOrAdd(Path, _ => new SemaphoreSlim(1, 1));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        using var connection = Open();
        Execute(connection, "PRAGMA journal_mode = WAL;");
        SqliteMigrations.Run(connection, component, migrations);
    }

    public string Path { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        var native = connection.Handle!;
        if (Configured.TryGetValue(native, out _)) return connection;
        Execute(connection, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000;");
        Configured.AddOrUpdate(native, Marker);
        return connection;
    }

    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            var result = work(connection, transaction);
            transaction.Commit();
            return result;
        }
        finally
        {
            _writer.Release();
        }
    }

    public T Read<T>(Func<SqliteConnection, T> work)
    {
        using var connection = Open();
        return work(connection);
    }

    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }
}

public static class SqliteCommandExtensions
{
    public static SqliteCommand Command(this SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    public static IEnumerable<T> Query<T>(this SqliteCommand command, Func<SqliteDataReader, T> map)
    {
        using (command)
        {
            using var reader = command.ExecuteReader();
            while (reader.Read()) yield return map(reader);
        }
    }

    /// <summary>Sets the values of parameters the command already has (a prepared insert reused for each row).</summary>
    public static void Bind(this SqliteCommand command, params (string Name, object? Value)[] values)
    {
        foreach (var (name, value) in values) command.Parameters[name].Value = value ?? DBNull.Value;
    }

    public static string? StringOrNull(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static DateTimeOffset Time(this SqliteDataReader reader, int ordinal) => DateTimeOffset.Parse(reader.GetString(ordinal), null, System.Globalization.DateTimeStyles.RoundtripKind);

    public static string Iso(this DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'");
}
