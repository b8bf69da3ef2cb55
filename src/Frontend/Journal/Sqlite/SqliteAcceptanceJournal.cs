using System.Threading.Channels;
using Chat.Storage.Sqlite;

namespace Chat.Frontend.Journal.Sqlite;

/// <summary>
/// The journal as a table of <c>messages.db</c> (so the SQLite message store clears an entry in the
/// transaction that stores its message). Appends are group-committed: one writer drains every append
/// waiting in the channel into one transaction, so concurrent requests share one fsync, and each
/// append completes only after the commit that holds it.
/// </summary>
internal sealed class SqliteAcceptanceJournal : IAcceptanceJournal, IAsyncDisposable
{
    private const int MaxAppendsPerCommit = 1000;

    private static readonly string Schema = $"""
        CREATE TABLE IF NOT EXISTS {AcceptanceJournalTable.Name} (
            id         INTEGER PRIMARY KEY,
            message_id TEXT NOT NULL,
            event_key  TEXT NOT NULL,
            event      BLOB NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_acceptance_journal_by_message ON {AcceptanceJournalTable.Name} (message_id);
        """;

    private readonly SqliteDatabase _db;
    private readonly Channel<PendingAppend> _appends = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public SqliteAcceptanceJournal(string path)
    {
        _db = new SqliteDatabase(path, "acceptance-journal", SqliteMigration.Sql(1, "acceptance journal", Schema));
        _writer = Task.Run(WriteAppendsAsync);
    }

    public Task<long> AppendAsync(JournalEntry entry, CancellationToken cancellationToken = default)
    {
        var pending = new PendingAppend(entry, new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_appends.Writer.TryWrite(pending)) throw new ObjectDisposedException(nameof(SqliteAcceptanceJournal), "The acceptance journal is closed.");
        return pending.Committed.Task.WaitAsync(cancellationToken);
    }

    public Task RemoveAsync(long entryId, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            using var delete = connection.Command($"DELETE FROM {AcceptanceJournalTable.Name} WHERE id = $id", tx, ("$id", entryId));
            return delete.ExecuteNonQuery();
        }, cancellationToken);

    public Task<IReadOnlyList<JournalEntry>> ReadAllAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<JournalEntry>>(_db.Read(connection => connection.Command(
                $"SELECT id, message_id, event_key, event FROM {AcceptanceJournalTable.Name} ORDER BY id")
            .Query(r => new JournalEntry(r.GetString(1), r.GetString(2), (byte[])r.GetValue(3), r.GetInt64(0))).ToList()));

    private async Task WriteAppendsAsync()
    {
        var batch = new List<PendingAppend>();
        while (await _appends.Reader.WaitToReadAsync())
        {
            // Whatever queued up while the previous commit was on its fsync goes in this one.
            while (batch.Count < MaxAppendsPerCommit && _appends.Reader.TryRead(out var pending)) batch.Add(pending);
            try
            {
                var ids = await _db.WriteAsync((connection, tx) =>
                {
                    using var insert = connection.Command(
                        $"INSERT INTO {AcceptanceJournalTable.Name} (message_id, event_key, event) VALUES ($m, $k, $e) RETURNING id", tx,
                        ("$m", ""), ("$k", ""), ("$e", Array.Empty<byte>()));
                    return batch.Select(p =>
                    {
                        insert.Bind(("$m", p.Entry.MessageId), ("$k", p.Entry.Key), ("$e", p.Entry.Event));
                        return (long)insert.ExecuteScalar()!;
                    }).ToList();
                }, CancellationToken.None);
                for (var i = 0; i < batch.Count; i++) batch[i].Committed.TrySetResult(ids[i]);
            }
            catch (Exception e)
            {
                foreach (var pending in batch) pending.Committed.TrySetException(e);
            }
            batch.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _appends.Writer.TryComplete();
        await _writer;
    }

    private sealed record PendingAppend(JournalEntry Entry, TaskCompletionSource<long> Committed);
}
